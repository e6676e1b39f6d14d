//! Moving tensors to and from the host.

use burn::tensor::{Device, Tensor, TensorData};

pub fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data()
        .convert::<f32>()
        .try_into_vec::<f32>()
        .expect("a float tensor reads back as f32")
}

pub fn scalar(t: Tensor<1>) -> f64 {
    to_vec(t)[0] as f64
}

pub fn matrix(values: Vec<f32>, rows: usize, cols: usize, device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(values, [rows, cols]), device)
}

pub fn row(values: Vec<f32>, device: &Device) -> Tensor<2> {
    let n = values.len();
    matrix(values, 1, n, device)
}
