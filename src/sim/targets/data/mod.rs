//! The benchmark data the targets read: mixture constants and the posteriors' data sets. The
//! repository's `data/` is compiled into the binary, so every preset runs wherever bridgelab
//! is started; a directory the user names replaces that copy as a whole.

mod built_in;
pub mod csv;
mod dir;

pub use built_in::{BUILT_IN, built_in_file};
pub use dir::{
    DATA_DIR_ENV, DataDir, DataFile, DataSource, data_dir_setting, data_file, set_data_dir, use_built_in_data,
};
