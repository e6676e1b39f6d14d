//! A flat, named store of every learnable tensor. Networks and SDE parameters are written as
//! functions of this store, so one forward code path serves plain evaluation (values held
//! without autodiff) and training (the same values as tracked autodiff leaves).

use burn::tensor::{Device, Gradients, Tensor, TensorData};
use serde::{Deserialize, Serialize};

/// The optimiser's three parameter groups, each with its own learning rate and clipping.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Group {
    Network,
    Interpolation,
    Sde,
}

/// Index of one parameter inside a [`ParamSet`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ParamId(pub usize);

#[derive(Clone)]
pub struct ParamSet {
    names: Vec<String>,
    groups: Vec<Group>,
    trainable: Vec<bool>,
    /// Trainable parameters whose gradient enters their group's clipping norm but which the
    /// optimiser does not move (the paper code's frozen σ, `paper_code.frozen_sigma_in_clip`).
    clip_only: Vec<bool>,
    values: Vec<Tensor<2>>,
}

/// A parameter's values read back to the host, for checkpoints and tests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostParam {
    pub name: String,
    pub shape: [usize; 2],
    pub values: Vec<f32>,
}

impl ParamSet {
    pub fn new() -> Self {
        Self {
            names: Vec::new(),
            groups: Vec::new(),
            trainable: Vec::new(),
            clip_only: Vec::new(),
            values: Vec::new(),
        }
    }

    pub fn add(&mut self, name: &str, group: Group, trainable: bool, value: Tensor<2>) -> ParamId {
        debug_assert!(
            !self.names.iter().any(|n| n == name),
            "duplicate parameter {name}"
        );
        self.names.push(name.to_string());
        self.groups.push(group);
        self.trainable.push(trainable);
        self.clip_only.push(false);
        self.values.push(value);
        ParamId(self.values.len() - 1)
    }

    /// Makes `id` a parameter whose gradient is computed and counted in its group's clipping
    /// norm, while its value stays where it is.
    pub fn set_clip_only(&mut self, id: ParamId) {
        self.trainable[id.0] = true;
        self.clip_only[id.0] = true;
    }

    /// True for a parameter the optimiser clips with its group but never moves.
    pub fn is_clip_only(&self, id: ParamId) -> bool {
        self.clip_only[id.0]
    }

    pub fn get(&self, id: ParamId) -> Tensor<2> {
        self.values[id.0].clone()
    }

    pub fn set(&mut self, id: ParamId, value: Tensor<2>) {
        self.values[id.0] = value;
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    pub fn name(&self, id: ParamId) -> &str {
        &self.names[id.0]
    }

    pub fn group(&self, id: ParamId) -> Group {
        self.groups[id.0]
    }

    pub fn is_trainable(&self, id: ParamId) -> bool {
        self.trainable[id.0]
    }

    pub fn ids(&self) -> impl Iterator<Item = ParamId> + use<> {
        (0..self.values.len()).map(ParamId)
    }

    pub fn find(&self, name: &str) -> Option<ParamId> {
        self.names.iter().position(|n| n == name).map(ParamId)
    }

    /// Total number of scalar entries that the optimiser updates.
    pub fn num_trainable(&self) -> usize {
        self.ids()
            .filter(|&id| self.is_trainable(id) && !self.is_clip_only(id))
            .map(|id| self.values[id.0].shape().num_elements())
            .sum()
    }

    /// True for a set made by [`ParamSet::tracked`], whose values record a graph.
    pub fn is_tracked(&self) -> bool {
        self.values.first().is_some_and(|v| v.is_autodiff())
    }

    /// The same values as autodiff leaves; frozen parameters stay constants.
    pub fn tracked(&self) -> ParamSet {
        let mut out = self.clone();
        for (i, v) in out.values.iter_mut().enumerate() {
            let leaf = v.clone().autodiff();
            *v = if self.trainable[i] {
                leaf.require_grad()
            } else {
                leaf
            };
        }
        out
    }

    /// Gradients of the trainable leaves of `tracked` (a set made by [`ParamSet::tracked`]),
    /// as plain tensors; parameters that did not influence the loss get zeros.
    pub fn gradients(&self, tracked: &ParamSet, grads: &Gradients) -> Vec<Option<Tensor<2>>> {
        tracked
            .values
            .iter()
            .enumerate()
            .map(|(i, leaf)| {
                if !self.trainable[i] {
                    return None;
                }
                Some(
                    leaf.grad(grads)
                        .map(|g| g.inner())
                        .unwrap_or_else(|| self.values[i].zeros_like()),
                )
            })
            .collect()
    }

    pub fn to_host(&self) -> Vec<HostParam> {
        self.ids()
            .map(|id| {
                let v = &self.values[id.0];
                HostParam {
                    name: self.names[id.0].clone(),
                    shape: v.dims(),
                    values: crate::sim::platform::host::to_vec(v.clone()),
                }
            })
            .collect()
    }

    /// Loads values saved by [`ParamSet::to_host`]; names and shapes must match exactly.
    pub fn load_host(&mut self, host: &[HostParam], device: &Device) -> Result<(), String> {
        if host.len() != self.len() {
            return Err(format!(
                "expected {} parameters, found {}",
                self.len(),
                host.len()
            ));
        }
        for (id, h) in self.ids().zip(host) {
            let shape = self.values[id.0].dims();
            if h.name != self.names[id.0] || h.shape != shape {
                return Err(format!(
                    "parameter {} {:?} does not match {} {:?}",
                    h.name, h.shape, self.names[id.0], shape
                ));
            }
            let count: usize = shape.iter().product();
            if h.values.len() != count {
                return Err(format!(
                    "parameter {} of shape {shape:?} needs {count} values, found {}",
                    h.name,
                    h.values.len()
                ));
            }
            self.values[id.0] = Tensor::from_data(TensorData::new(h.values.clone(), shape), device);
        }
        Ok(())
    }
}

impl Default for ParamSet {
    fn default() -> Self {
        Self::new()
    }
}
