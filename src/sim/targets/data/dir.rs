//! Where the data comes from: a directory chosen on the command line or in the lab, else the
//! environment variable `BRIDGELAB_DATA`, else the copy built into the binary. One
//! process-wide setting: the CLI and the lab set it once, targets read it.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use super::built_in::built_in_file;
use crate::sim::error::SimError;

/// Environment variable naming the data directory when nothing was set explicitly.
pub const DATA_DIR_ENV: &str = "BRIDGELAB_DATA";

/// No data file of the benchmark comes near this; a larger one (or a compressed file that
/// unpacks past it) is refused rather than read into memory.
const MAX_FILE_BYTES: u64 = 256 << 20;

static EXPLICIT: RwLock<Option<DataDir>> = RwLock::new(None);

/// How the data was chosen; error messages say it, so that a user knows which setting to fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataSource {
    Explicit,
    Environment,
    BuiltIn,
}

impl DataSource {
    pub fn describe(self) -> &'static str {
        match self {
            DataSource::Explicit => "set explicitly (--data-dir or the lab's Settings)",
            DataSource::Environment => "from the environment variable BRIDGELAB_DATA",
            DataSource::BuiltIn => "the copy built into bridgelab",
        }
    }
}

/// The data the targets read: a directory, or (`path` is `None`) the built-in copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataDir {
    pub path: Option<PathBuf>,
    pub source: DataSource,
}

/// One data file, on disk or built in, before it is read.
#[derive(Clone, Debug)]
pub struct DataFile {
    origin: Origin,
}

#[derive(Clone, Debug)]
enum Origin {
    Disk(PathBuf),
    BuiltIn { name: String, bytes: &'static [u8] },
}

impl DataDir {
    /// A directory chosen by the caller, bypassing the process-wide setting.
    pub fn at(path: impl Into<PathBuf>) -> Self {
        Self {
            path: Some(path.into()),
            source: DataSource::Explicit,
        }
    }

    /// The copy compiled into the binary.
    pub fn built_in() -> Self {
        Self {
            path: None,
            source: DataSource::BuiltIn,
        }
    }

    /// What the process-wide setting, the environment or the built-in default names.
    pub fn resolve() -> Self {
        let explicit = EXPLICIT.read().unwrap_or_else(|e| e.into_inner()).clone();
        resolve_from(explicit, std::env::var_os(DATA_DIR_ENV))
    }

    /// `relative` inside this data, or its gzip-compressed `relative.gz`; an error naming the
    /// full path and where the directory came from when neither is there.
    pub fn file(&self, relative: &str) -> Result<DataFile, SimError> {
        let gz = format!("{relative}.gz");
        let Some(dir) = &self.path else {
            return [relative, gz.as_str()]
                .into_iter()
                .find_map(|name| {
                    built_in_file(name).map(|bytes| DataFile {
                        origin: Origin::BuiltIn {
                            name: name.to_string(),
                            bytes,
                        },
                    })
                })
                .ok_or_else(|| SimError::Data(format!("bridgelab has no built-in data file {relative}")));
        };
        for name in [relative, gz.as_str()] {
            let path = dir.join(name);
            if path.is_file() {
                return Ok(DataFile {
                    origin: Origin::Disk(path),
                });
            }
        }
        let why = if dir.is_dir() {
            "there is no such file (nor a .gz of it)".to_string()
        } else {
            format!("the directory {} does not exist", dir.display())
        };
        Err(SimError::Data(format!(
            "{} not found: {why}; the data directory was {}. {}",
            dir.join(relative).display(),
            self.source.describe(),
            HOW_TO_SET
        )))
    }
}

impl DataFile {
    /// The name messages use: the file's path, or `built-in data/NAME`.
    pub fn label(&self) -> String {
        match &self.origin {
            Origin::Disk(path) => path.display().to_string(),
            Origin::BuiltIn { name, .. } => format!("built-in data/{name}"),
        }
    }

    /// The file's text, decompressed when its name ends in `.gz` (every member of it: bgzip,
    /// `pigz -i` and `cat a.gz b.gz` write several, which `gzip -dc` reads whole).
    pub fn read_text(&self) -> Result<String, SimError> {
        let fail = |e: std::io::Error| SimError::Data(format!("cannot read {}: {e}", self.label()));
        let (name, raw): (&Path, Box<dyn Read>) = match &self.origin {
            Origin::Disk(path) => {
                let meta = std::fs::metadata(path).map_err(fail)?;
                if !meta.is_file() {
                    return Err(SimError::Data(format!(
                        "{} is not a regular file (a FIFO, a device or a directory is not read)",
                        self.label()
                    )));
                }
                if meta.len() > MAX_FILE_BYTES {
                    return Err(self.too_large());
                }
                (path, Box::new(std::fs::File::open(path).map_err(fail)?))
            }
            Origin::BuiltIn { name, bytes } => (Path::new(name), Box::new(*bytes)),
        };
        let reader: Box<dyn Read> = if name.extension().is_some_and(|e| e == "gz") {
            Box::new(flate2::read::MultiGzDecoder::new(raw))
        } else {
            raw
        };
        let mut bytes = Vec::new();
        reader
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(fail)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(self.too_large());
        }
        String::from_utf8(bytes)
            .map_err(|e| SimError::Data(format!("{} is not UTF-8 text: {e}", self.label())))
    }

    fn too_large(&self) -> SimError {
        SimError::Data(format!(
            "{} is larger than {} MiB, which no data file of the benchmark is",
            self.label(),
            MAX_FILE_BYTES >> 20
        ))
    }
}

const HOW_TO_SET: &str = "Name a directory with --data-dir DIR, the environment variable BRIDGELAB_DATA \
                          or the lab's Settings, or unset both to use the data built into bridgelab.";

/// Chooses the data directory for the whole process; `None` returns to the environment and
/// the built-in copy.
pub fn set_data_dir(dir: Option<PathBuf>) {
    *EXPLICIT.write().unwrap_or_else(|e| e.into_inner()) = dir.map(DataDir::at);
}

/// Uses the built-in copy for the whole process, even where `BRIDGELAB_DATA` names a directory.
pub fn use_built_in_data() {
    *EXPLICIT.write().unwrap_or_else(|e| e.into_inner()) = Some(DataDir::built_in());
}

/// The directory a settings field shows: the one in use, or empty for the built-in copy.
pub fn data_dir_setting() -> String {
    DataDir::resolve()
        .path
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// `relative` in the data in use, checked to exist.
pub fn data_file(relative: &str) -> Result<DataFile, SimError> {
    DataDir::resolve().file(relative)
}

/// The resolution order, without touching process state so that it can be tested.
fn resolve_from(explicit: Option<DataDir>, env: Option<OsString>) -> DataDir {
    if let Some(chosen) = explicit {
        return chosen;
    }
    // An empty variable is what `BRIDGELAB_DATA= cmd` gives: treat it as unset.
    match env.filter(|v| !v.is_empty()) {
        Some(env) => DataDir {
            path: Some(PathBuf::from(env)),
            source: DataSource::Environment,
        },
        None => DataDir::built_in(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let root = std::env::temp_dir().join(format!("bridgelab-datadir-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&root).unwrap();
        root
    }

    #[test]
    fn explicit_beats_environment_beats_built_in() {
        let got = resolve_from(Some(DataDir::at("/a")), Some("/b".into()));
        assert_eq!((got.path, got.source), (Some("/a".into()), DataSource::Explicit));
        let got = resolve_from(Some(DataDir::built_in()), Some("/b".into()));
        assert_eq!(
            got,
            DataDir::built_in(),
            "the lab can return to the built-in copy"
        );
        let got = resolve_from(None, Some("/b".into()));
        assert_eq!(
            (got.path, got.source),
            (Some("/b".into()), DataSource::Environment)
        );
        assert_eq!(resolve_from(None, Some("".into())), DataDir::built_in());
        assert_eq!(resolve_from(None, None), DataDir::built_in());
    }

    #[test]
    fn the_built_in_copy_serves_plain_and_compressed_files() {
        let dir = DataDir::built_in();
        let seeds = dir.file("seeds.csv").unwrap();
        assert_eq!(seeds.label(), "built-in data/seeds.csv");
        assert!(seeds.read_text().unwrap().starts_with("plate,"));
        let draws = dir.file("german_credit_gt_samples.csv").unwrap();
        assert_eq!(draws.label(), "built-in data/german_credit_gt_samples.csv.gz");
        let text = draws.read_text().unwrap();
        assert!(text.starts_with("w0,w1,"), "{}", &text[..40.min(text.len())]);
        assert_eq!(text.lines().count(), 10_001);
        let err = dir.file("no_such.csv").unwrap_err().to_string();
        assert!(err.contains("no built-in data file no_such.csv"), "{err}");
    }

    #[test]
    fn a_directory_may_hold_a_file_compressed() {
        let root = scratch("gz");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut gz, b"a,b\n1,2\n").unwrap();
        std::fs::write(root.join("x.csv.gz"), gz.finish().unwrap()).unwrap();
        let file = DataDir::at(&root).file("x.csv").unwrap();
        assert_eq!(file.read_text().unwrap(), "a,b\n1,2\n");
        std::fs::write(root.join("x.csv"), "plain\n").unwrap();
        let file = DataDir::at(&root).file("x.csv").unwrap();
        assert_eq!(file.read_text().unwrap(), "plain\n", "the plain file comes first");
    }

    #[test]
    fn a_gzip_file_of_several_members_is_read_whole() {
        let root = scratch("gz-members");
        let member = |text: &[u8]| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut gz, text).unwrap();
            gz.finish().unwrap()
        };
        // What `cat a.gz b.gz` and bgzip write: one stream of two members.
        let mut both = member(b"a,b\n1,2\n");
        both.extend(member(b"3,4\n5,6\n"));
        std::fs::write(root.join("y.csv.gz"), both).unwrap();
        let file = DataDir::at(&root).file("y.csv").unwrap();
        assert_eq!(file.read_text().unwrap(), "a,b\n1,2\n3,4\n5,6\n");
    }

    #[test]
    fn a_missing_file_names_its_path_and_the_source() {
        let root = scratch("file");
        let dir = DataDir {
            path: Some(root.clone()),
            source: DataSource::Environment,
        };
        let err = dir.file("sonar.csv").unwrap_err().to_string();
        assert!(
            err.contains(&root.join("sonar.csv").display().to_string()),
            "{err}"
        );
        for needle in ["BRIDGELAB_DATA", "--data-dir", "Settings", "built into bridgelab"] {
            assert!(err.contains(needle), "{err}");
        }
    }
}
