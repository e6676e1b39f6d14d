//! Where the shared benchmark data lives. The data is not embedded in the binary (the files are
//! large and shared with the other tools of the project), so every target that needs a file
//! asks here. One process-wide setting: the CLI and the lab set it once, targets read it.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use crate::sim::error::SimError;

/// Environment variable naming the data directory when nothing was set explicitly.
pub const DATA_DIR_ENV: &str = "BRIDGELAB_DATA";

/// Tried last, relative to the current directory: where the data sits next to a checkout.
pub const DEFAULT_DATA_DIR: &str = "../shared/data";

static EXPLICIT: RwLock<Option<PathBuf>> = RwLock::new(None);

/// How the data directory was chosen; error messages say it, so that a user knows which
/// setting to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataSource {
    Explicit,
    Environment,
    Default,
}

impl DataSource {
    pub fn describe(self) -> &'static str {
        match self {
            DataSource::Explicit => "set explicitly (--data-dir or the lab's Settings)",
            DataSource::Environment => "from the environment variable BRIDGELAB_DATA",
            DataSource::Default => "the default ../shared/data next to the current directory",
        }
    }
}

/// A resolved data directory together with the reason it was chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDir {
    pub path: PathBuf,
    pub source: DataSource,
}

impl DataDir {
    /// A directory chosen by the caller, bypassing the process-wide setting.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            source: DataSource::Explicit,
        }
    }

    /// The directory the process-wide setting, the environment or the default names.
    pub fn resolve() -> Result<Self, SimError> {
        let explicit = EXPLICIT.read().unwrap_or_else(|e| e.into_inner()).clone();
        resolve_from(
            explicit,
            std::env::var_os(DATA_DIR_ENV),
            std::env::current_dir().ok(),
        )
    }

    /// `relative` inside this directory; an error naming the full path and where the directory
    /// came from when the file is not there.
    pub fn file(&self, relative: &str) -> Result<PathBuf, SimError> {
        let path = self.path.join(relative);
        if path.is_file() {
            return Ok(path);
        }
        let why = if self.path.is_dir() {
            "there is no such file".to_string()
        } else {
            format!("the directory {} does not exist", self.path.display())
        };
        Err(SimError::Data(format!(
            "{} not found: {why}; the data directory was {}. {}",
            path.display(),
            self.source.describe(),
            HOW_TO_SET
        )))
    }
}

const HOW_TO_SET: &str = "Point bridgelab at the shared data with --data-dir DIR, the environment \
                          variable BRIDGELAB_DATA, or the lab's Settings.";

/// Chooses the data directory for the whole process; `None` returns to the environment and
/// the default.
pub fn set_data_dir(dir: Option<PathBuf>) {
    *EXPLICIT.write().unwrap_or_else(|e| e.into_inner()) = dir;
}

/// The data directory: the explicit setting, else `BRIDGELAB_DATA`, else `../shared/data`
/// when it exists.
pub fn data_dir() -> Result<PathBuf, SimError> {
    DataDir::resolve().map(|d| d.path)
}

/// The data directory as the user chose it, before it is resolved: the explicit setting, the
/// environment variable, or the default `../shared/data`. What a settings field shows.
pub fn data_dir_setting() -> String {
    match DataDir::resolve() {
        Ok(d) if d.source != DataSource::Default => d.path.display().to_string(),
        _ => DEFAULT_DATA_DIR.to_string(),
    }
}

/// The path of `relative` inside the data directory, checked to exist.
pub fn data_file(relative: &str) -> Result<PathBuf, SimError> {
    DataDir::resolve()?.file(relative)
}

/// The resolution order, without touching process state so that it can be tested.
fn resolve_from(
    explicit: Option<PathBuf>,
    env: Option<OsString>,
    cwd: Option<PathBuf>,
) -> Result<DataDir, SimError> {
    if let Some(path) = explicit {
        return Ok(DataDir {
            path,
            source: DataSource::Explicit,
        });
    }
    // An empty variable is what `BRIDGELAB_DATA= cmd` gives: treat it as unset.
    if let Some(env) = env.filter(|v| !v.is_empty()) {
        return Ok(DataDir {
            path: PathBuf::from(env),
            source: DataSource::Environment,
        });
    }
    let candidate = cwd.as_deref().map(|c| c.join(DEFAULT_DATA_DIR));
    if let Some(dir) = candidate.as_deref().filter(|d| d.is_dir()) {
        return Ok(DataDir {
            path: tidy(dir),
            source: DataSource::Default,
        });
    }
    let looked = candidate.map_or_else(
        || format!("{DEFAULT_DATA_DIR} (the current directory is unknown)"),
        |c| c.display().to_string(),
    );
    Err(SimError::Data(format!(
        "no data directory: nothing was set and {looked} does not exist. {HOW_TO_SET}"
    )))
}

/// The canonical form when there is one: messages then show `/x/shared/data`, not `/x/y/../shared/data`.
fn tidy(dir: &Path) -> PathBuf {
    dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("bridgelab-datadir-{}-{name}", std::process::id()));
        std::fs::create_dir_all(root.join("work")).unwrap();
        root
    }

    #[test]
    fn explicit_beats_environment_beats_default() {
        let root = scratch("order");
        std::fs::create_dir_all(root.join("shared/data")).unwrap();
        let cwd = Some(root.join("work"));
        let got = resolve_from(Some("/a".into()), Some("/b".into()), cwd.clone()).unwrap();
        assert_eq!((got.path, got.source), ("/a".into(), DataSource::Explicit));
        let got = resolve_from(None, Some("/b".into()), cwd.clone()).unwrap();
        assert_eq!((got.path, got.source), ("/b".into(), DataSource::Environment));
        let got = resolve_from(None, Some("".into()), cwd).unwrap();
        assert_eq!(got.source, DataSource::Default);
        assert!(got.path.ends_with("shared/data"), "{}", got.path.display());
    }

    #[test]
    fn no_directory_says_how_to_set_one() {
        let root = scratch("none");
        let err = resolve_from(None, None, Some(root.join("work")))
            .unwrap_err()
            .to_string();
        for needle in ["--data-dir", "BRIDGELAB_DATA", "Settings", "shared/data"] {
            assert!(err.contains(needle), "{err}");
        }
    }

    #[test]
    fn a_missing_file_names_its_path_and_the_source() {
        let root = scratch("file");
        let dir = DataDir {
            path: root.clone(),
            source: DataSource::Environment,
        };
        let err = dir.file("sonar.csv").unwrap_err().to_string();
        assert!(
            err.contains(&root.join("sonar.csv").display().to_string()),
            "{err}"
        );
        assert!(err.contains("BRIDGELAB_DATA"), "{err}");
    }
}
