//! The documentation keeps up with the code: every preset field is described in
//! docs/presets.md, and every command and sweep subcommand in docs/cli.md or docs/clusters.md.

use std::path::Path;

use bridgelab::sim::Preset;
use bridgelab::sim::preset::{PaperCode, Variation};

fn doc(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

/// The keys of a JSON object.
fn keys(value: &serde_json::Value) -> Vec<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

#[test]
fn every_preset_field_is_described() {
    // Every optional field set, so that each is serialised.
    let mut p = Preset::default_interactive();
    p.title = "t".into();
    p.sigma_init = vec![1.0, 1.0];
    p.compare = Some(Variation::default());
    p.paper_code = PaperCode {
        last_step_prior_weight: true,
        ..PaperCode::default()
    };
    p.architecture = bridgelab::sim::Architecture::Vanilla;
    p.on_divergence = bridgelab::sim::DivergencePolicy::Skip;
    let lesson = bridgelab::presets::BUILT_IN
        .iter()
        .find(|(name, _)| name.starts_with("lesson_"))
        .map(|(name, text)| bridgelab::sim::preset::file::parse_preset(text, name).unwrap())
        .unwrap();
    p.guide = lesson.guide;
    let json = serde_json::to_value(&p).unwrap();
    let page = doc("docs/presets.md");
    for field in keys(&json) {
        assert!(
            page.contains(&format!("| `{field}` |")),
            "docs/presets.md has no row for the preset field `{field}`"
        );
    }
    for nested in ["target", "lr", "eval", "paper_code"] {
        for field in keys(&json[nested]) {
            assert!(
                page.contains(&format!("`{field}`")),
                "docs/presets.md does not name `{nested}.{field}`"
            );
        }
    }
}

#[test]
fn every_command_is_described() {
    use clap::CommandFactory;
    let cli = bridgelab::cli::Cli::command();
    let pages = doc("docs/cli.md") + &doc("docs/clusters.md");
    for command in cli.get_subcommands() {
        let name = command.get_name();
        if name == "help" {
            continue;
        }
        assert!(
            pages.contains(&format!("bridgelab {name}")),
            "docs/cli.md does not describe `bridgelab {name}`"
        );
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let sub = sub.get_name();
            let described = pages.contains(&format!("bridgelab {name} {sub}"))
                || pages
                    .lines()
                    .any(|l| l.contains(&format!("bridgelab {name} ")) && l.contains(&format!("{sub}|")))
                || pages
                    .lines()
                    .any(|l| l.contains(&format!("bridgelab {name} ")) && l.contains(&format!("|{sub} ")));
            assert!(described, "the docs do not describe `bridgelab {name} {sub}`");
        }
    }
}
