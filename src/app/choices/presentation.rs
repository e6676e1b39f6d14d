//! Presentation mode, for a lecture on a projector: the side panel, the view rows and the
//! numbers hidden, the lesson card folded to one line on request, only the panels the card on
//! screen speaks of, large, and any one of them full-screen on a double-click.

use crate::app::figure::PanelKind;
use crate::protocol::{Claim, GuideAct, GuideStep};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Presentation {
    /// Presenting: the side panel and the view rows hidden, the key panels large.
    pub on: bool,
    /// The lesson card shows only its title line with Back and Next (in either mode).
    pub card_folded: bool,
    /// This panel alone fills the plot area (presenting only).
    pub full: Option<PanelKind>,
}

impl Presentation {
    /// Presenting, or back to the working lab (with the card as it was).
    pub fn toggled(self) -> Self {
        Self {
            on: !self.on,
            full: None,
            ..self
        }
    }

    /// What Escape does: a full-screen panel goes back among the others, then presenting ends.
    pub fn escaped(self) -> Self {
        if self.full.is_some() {
            Self { full: None, ..self }
        } else {
            Self { on: false, ..self }
        }
    }
}

/// The panels a card speaks of, in the figure's order: the one its act shows (the samples
/// for training, a step or a replay) and the one its claim is read from.
pub fn card_panels(step: &GuideStep) -> Vec<PanelKind> {
    let mut kinds = Vec::new();
    match step.act {
        Some(GuideAct::Play | GuideAct::ShowStep { .. } | GuideAct::Replay { .. }) => {
            kinds.push(PanelKind::Samples)
        }
        Some(GuideAct::ShowDrifts { .. }) => kinds.push(PanelKind::Drift),
        Some(GuideAct::ShowCoordinateOverSteps { .. }) => kinds.push(PanelKind::Strip),
        Some(GuideAct::ShowCurves { .. }) => kinds.extend([PanelKind::Elbo, PanelKind::Ess]),
        None => {}
    }
    match step.claim {
        Some(Claim::FewerModes { .. }) => kinds.push(PanelKind::Coverage),
        Some(Claim::HigherElbo { .. }) => kinds.push(PanelKind::Elbo),
        Some(Claim::Coincide { .. }) => kinds.extend([PanelKind::Elbo, PanelKind::Coverage]),
        None => {}
    }
    let mut once = Vec::new();
    for k in kinds {
        if !once.contains(&k) {
            once.push(k);
        }
    }
    once
}

/// The panel a card speaks of first: what the plot area scrolls to when the card is shown.
pub fn spoken_of(step: &GuideStep) -> Option<PanelKind> {
    card_panels(step).first().copied()
}

/// The panels presentation mode shows: those the card on screen speaks of (its samples where it
/// names none), or for a preset without a lesson its samples, loss and ELBO. On a projector a
/// few panels fill the screen better than the whole figure.
pub fn key_panels(guide: &[GuideStep], card: usize) -> Vec<PanelKind> {
    match guide.get(card) {
        None => vec![PanelKind::Samples, PanelKind::Loss, PanelKind::Elbo],
        Some(step) => {
            let kinds = card_panels(step);
            if kinds.is_empty() {
                vec![PanelKind::Samples]
            } else {
                kinds
            }
        }
    }
}
