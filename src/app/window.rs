//! The lab in a native window (eframe), with an optional self-check for display-less
//! machines: capture the window once the run has trained a while, make sure something was
//! drawn, write it as PNG and close.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};

use super::choices::time_view::TimeView;
use super::{Action, LabApp};
use crate::protocol::Preset;

/// How the window is run.
#[derive(Clone, Debug, Default)]
pub struct WindowOptions {
    /// Capture the window to this PNG once the first run reached `after_steps`, then close.
    pub screenshot: Option<PathBuf>,
    pub after_steps: usize,
    /// Print frame-time figures when the window closes.
    pub frame_stats: bool,
    /// Open with the time axis and all its panels shown.
    pub time_axis: bool,
}

/// A rendered frame has at least this many distinct colours: the heat map, samples and text.
/// A blank or clear-colour-only window has a handful.
const MIN_DISTINCT_COLORS: usize = 64;

/// At most this often a frame is drawn for new training data alone.
const DATA_FRAME_INTERVAL: std::time::Duration = std::time::Duration::from_millis(200);

#[derive(Default)]
struct Outcome {
    image: Option<Arc<egui::ColorImage>>,
    requested: bool,
    result: Option<Result<String, String>>,
    frame_report: Option<String>,
}

struct Window {
    app: LabApp,
    options: WindowOptions,
    outcome: Arc<Mutex<Outcome>>,
}

fn distinct_colors(image: &egui::ColorImage) -> usize {
    let mut seen: Vec<u32> = image
        .pixels
        .iter()
        .map(|c| u32::from_le_bytes(c.to_array()))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

fn write_png(path: &std::path::Path, image: &egui::ColorImage) -> Result<()> {
    let [w, h] = image.size;
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, w as u32, h as u32);
        encoder.set_color(png::ColorType::Rgba);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header()?;
        let rgba: Vec<u8> = image.pixels.iter().flat_map(|c| c.to_array()).collect();
        writer.write_image_data(&rgba)?;
    }
    crate::export::write_atomically(path, &bytes)
}

impl Window {
    fn check_screenshot(&mut self, ctx: &egui::Context) {
        let Some(path) = self.options.screenshot.clone() else {
            return;
        };
        let mut outcome = self.outcome.lock().unwrap_or_else(|e| e.into_inner());
        if outcome.result.is_some() {
            return;
        }
        if let Some(image) = outcome.image.take() {
            let colors = distinct_colors(&image);
            outcome.result = Some(if colors < MIN_DISTINCT_COLORS {
                Err(format!("the window looks blank: {colors} distinct colours"))
            } else {
                write_png(&path, &image)
                    .map(|()| format!("{} ({colors} distinct colours)", path.display()))
                    .map_err(|e| format!("{e:#}"))
            });
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        let view = self.app.run();
        // A run that could not start, or failed before its first snapshot, will never draw
        // what the check waits for: say why instead of waiting to be killed.
        if view.snapshot.is_none()
            && matches!(
                view.status,
                crate::runtime::run_store::Status::Starting | crate::runtime::run_store::Status::Failed
            )
            && let Some(message) = &view.message
        {
            outcome.result = Some(Err(format!("the run drew nothing: {message}")));
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
            return;
        }
        let trained = view.step() >= self.options.after_steps;
        let stopped = matches!(
            view.status,
            crate::runtime::run_store::Status::Finished | crate::runtime::run_store::Status::Failed
        );
        if !outcome.requested && view.snapshot.is_some() && (trained || stopped) {
            outcome.requested = true;
            let shared = self.outcome.clone();
            let waker = ctx.clone();
            ctx.request_screenshot(move |image| {
                shared.lock().unwrap_or_else(|e| e.into_inner()).image = Some(image);
                waker.request_repaint();
            });
        }
    }

    fn frame_report(&self) -> String {
        let mut lines = Vec::new();
        if let Some(s) = self.app.frames.frame() {
            lines.push(format!("frame (UI and painting): {s}"));
        }
        if let Some(s) = self.app.frames.ui() {
            lines.push(format!("UI code alone: {s}"));
        }
        for (i, view) in self.app.runs().iter().enumerate() {
            if let Some(r) = view.history.last().filter(|r| r.wall_seconds > 0.0) {
                lines.push(format!(
                    "run {}: {} steps in {:.1} s of training, {:.1} steps/s",
                    i + 1,
                    r.step,
                    r.wall_seconds,
                    r.step as f64 / r.wall_seconds
                ));
            }
        }
        lines.join("\n")
    }
}

impl eframe::App for Window {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        if let Some(cpu) = frame.info().cpu_usage {
            self.app.frames.record_frame(cpu);
        }
        self.app.ui(ui);
        self.check_screenshot(ui.ctx());
    }

    fn on_exit(&mut self) {
        if self.options.frame_stats {
            self.outcome
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .frame_report = Some(self.frame_report());
        }
    }
}

/// Opens the lab window on `preset` and starts training at once. With a screenshot requested,
/// fails when the captured window looks blank.
pub fn run_native(preset: Preset, options: WindowOptions) -> Result<()> {
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1400.0, 900.0])
            .with_title("bridgelab")
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let outcome = Arc::new(Mutex::new(Outcome::default()));
    let shared = outcome.clone();
    let window_options = options.clone();
    let preset_steps = preset.path_steps;
    eframe::run_native(
        "bridgelab",
        native,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            // New training data asks for a frame within DATA_FRAME_INTERVAL rather than at
            // once: wakes from both runs coalesce, and a software rasteriser (no GPU) does
            // not take a core away from training. Input still repaints immediately.
            let wake = move || ctx.request_repaint_after(DATA_FRAME_INTERVAL);
            let mut app = LabApp::new(preset, Arc::new(wake))?.with_gallery(std::path::Path::new("presets"));
            if let Some(path) = crate::app::choices::display::Display::default_path() {
                app = app.with_display_file(path);
            }
            app.show_frame_time = true;
            if window_options.time_axis {
                app.apply(Action::SetTimeView(TimeView::everything_at(preset_steps / 2)));
            }
            app.apply(Action::Play);
            Ok(Box::new(Window {
                app,
                options: window_options,
                outcome: shared,
            }))
        }),
    )
    .map_err(|e| anyhow!("cannot open the lab window: {e}"))?;

    let mut outcome = outcome.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(report) = outcome.frame_report.take() {
        println!("{report}");
    }
    match (options.screenshot, outcome.result.take()) {
        (None, _) => Ok(()),
        (Some(_), Some(Ok(written))) => {
            println!("screenshot: {written}");
            Ok(())
        }
        (Some(_), Some(Err(e))) => Err(anyhow!(e)),
        (Some(path), None) => Err(anyhow!("the window closed before the screenshot"))
            .with_context(|| format!("no screenshot written to {}", path.display())),
    }
}
