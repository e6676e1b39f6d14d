//! f64 fields that read back from JSON whatever their value: JSON has no NaN or infinity, and
//! serde_json writes them as `null`, which then fails to read as a number. A skipped step's
//! NaN loss made whole checkpoints unreadable. Finite values stay plain numbers; NaN, inf and
//! -inf are written as the strings "NaN", "inf" and "-inf"; `null` (files written before this)
//! reads as NaN.
//!
//! Use with `#[serde(with = "crate::sim::platform::json_float")]`, or `json_float::option` for
//! `Option<f64>`.

use serde::{Deserialize, Deserializer, Serializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Written {
    Number(f64),
    Text(String),
    Null(()),
}

fn read(w: Written) -> Result<f64, String> {
    match w {
        Written::Number(v) => Ok(v),
        Written::Null(()) => Ok(f64::NAN),
        Written::Text(t) => match t.as_str() {
            "NaN" => Ok(f64::NAN),
            "inf" => Ok(f64::INFINITY),
            "-inf" => Ok(f64::NEG_INFINITY),
            other => Err(format!(
                "expected a number, \"NaN\", \"inf\" or \"-inf\", found \"{other}\""
            )),
        },
    }
}

pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
    if v.is_finite() {
        s.serialize_f64(*v)
    } else if v.is_nan() {
        s.serialize_str("NaN")
    } else if *v > 0.0 {
        s.serialize_str("inf")
    } else {
        s.serialize_str("-inf")
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    read(Written::deserialize(d)?).map_err(serde::de::Error::custom)
}

/// The same for `Option<f64>`: `None` is `null`, as before, and a non-finite value a string.
pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{Written, read};

    pub fn serialize<S: Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => super::serialize(v, s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        match Written::deserialize(d)? {
            Written::Null(()) => Ok(None),
            w => read(w).map(Some).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde::{Deserialize, Serialize};

    #[derive(Serialize, Deserialize, Debug)]
    struct Row {
        #[serde(with = "super")]
        x: f64,
        #[serde(with = "super::option", default)]
        y: Option<f64>,
    }

    #[test]
    fn every_value_reads_back_and_old_nulls_read_as_nan() {
        for x in [1.5, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300] {
            for y in [None, Some(2.0), Some(f64::NAN), Some(f64::NEG_INFINITY)] {
                let text = serde_json::to_string(&Row { x, y }).unwrap();
                let back: Row = serde_json::from_str(&text).unwrap();
                assert!(back.x == x || (x.is_nan() && back.x.is_nan()), "{text}");
                match (y, back.y) {
                    (Some(a), Some(b)) => assert!(a == b || (a.is_nan() && b.is_nan()), "{text}"),
                    (a, b) => assert_eq!(a, b, "{text}"),
                }
            }
        }
        let old: Row = serde_json::from_str(r#"{"x": null, "y": null}"#).unwrap();
        assert!(old.x.is_nan() && old.y.is_none());
        let bad = serde_json::from_str::<Row>(r#"{"x": "many"}"#).unwrap_err();
        assert!(bad.to_string().contains("found \"many\""), "{bad}");
    }
}
