//! The files of the repository's `data/` that the targets read, compiled into the binary.

macro_rules! built_in {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/", $name)) as &[u8])),*]
    };
}

/// Each file's path relative to `data/` and its bytes, exactly as shipped there (a test checks
/// that they agree). A name ending in `.gz` is stored gzip-compressed and read decompressed.
pub const BUILT_IN: &[(&str, &[u8])] = built_in![
    "targets/gmm40_means_d2_legacy.csv",
    "targets/gmm40_means_d50_legacy.csv",
    "targets/mos10_locs_d2_legacy.csv",
    "targets/mos10_locs_d50_legacy.csv",
    "seeds.csv",
    "seeds_gt_samples.csv.gz",
    "sonar.csv",
    "sonar_gt_samples.csv.gz",
    "ionosphere.csv",
    "ionosphere_gt_samples.csv.gz",
    "german_credit.csv",
    "german_credit_gt_samples.csv.gz",
    "brownian_observations.csv",
    "brownian_gt_samples.csv.gz",
    "pines.csv",
];

/// The built-in file stored under `name`.
pub fn built_in_file(name: &str) -> Option<&'static [u8]> {
    BUILT_IN.iter().find(|(n, _)| *n == name).map(|(_, bytes)| *bytes)
}
