//! The MRS docs send numbers as strings in several request examples (`"instances": "1"`), and the
//! official SDKs send real numbers. Requests must accept both; responses keep the vendor's exact types.

use serde::{de, Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum NumOrString {
    Int(i64),
    Float(f64),
    Text(String),
}

fn to_i64<E: de::Error>(v: NumOrString) -> Result<i64, E> {
    match v {
        NumOrString::Int(i) => Ok(i),
        NumOrString::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        NumOrString::Float(f) => Err(E::custom(format!("expected an integer, got {f}"))),
        NumOrString::Text(s) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| E::custom(format!("expected an integer, got \"{s}\""))),
    }
}

/// An integer that may arrive as a JSON number or as a numeric string.
pub fn int<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    to_i64(NumOrString::deserialize(d)?)
}

/// Like [`int`], for optional fields (`null` and absence both give `None`).
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    match Option::<NumOrString>::deserialize(d)? {
        None => Ok(None),
        Some(v) => to_i64(v).map(Some),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum BoolOrString {
    Bool(bool),
    Text(String),
}

/// A boolean that may arrive as `true` or as `"true"` (the SDK types `skip_bootstrap_scripts` as a string).
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    match Option::<BoolOrString>::deserialize(d)? {
        None => Ok(None),
        Some(BoolOrString::Bool(b)) => Ok(Some(b)),
        Some(BoolOrString::Text(s)) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Some(true)),
            "false" => Ok(Some(false)),
            "" => Ok(None),
            _ => Err(de::Error::custom(format!("expected a boolean, got \"{s}\""))),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct T {
        #[serde(deserialize_with = "super::int")]
        n: i64,
        #[serde(default, deserialize_with = "super::opt_int")]
        o: Option<i64>,
        #[serde(default, deserialize_with = "super::opt_bool")]
        b: Option<bool>,
    }

    #[test]
    fn accepts_numbers_and_numeric_strings() {
        let t: T = serde_json::from_str(r#"{"n":"3","o":4,"b":"true"}"#).unwrap();
        assert_eq!((t.n, t.o, t.b), (3, Some(4), Some(true)));
        let t: T = serde_json::from_str(r#"{"n":3.0,"o":null}"#).unwrap();
        assert_eq!((t.n, t.o, t.b), (3, None, None));
    }

    #[test]
    fn refuses_non_numbers() {
        assert!(serde_json::from_str::<T>(r#"{"n":"three"}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"n":1.5}"#).is_err());
        assert!(serde_json::from_str::<T>(r#"{"n":1,"b":"maybe"}"#).is_err());
    }
}
