//! Settings from the environment and `~/.aws/config`.

use crate::error::Error;
use crate::files::{self, Paths};
use crate::profile::Document;

/// The region used when nothing configures one.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The region for `profile`, resolved as the AWS tools do: `AWS_REGION`, then
/// `AWS_DEFAULT_REGION`, then the profile's `region` in `~/.aws/config`, else
/// `us-east-1`.
pub fn region(paths: &Paths, profile: &str) -> Result<String, Error> {
    let from_env = ["AWS_REGION", "AWS_DEFAULT_REGION"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty());
    if let Some(region) = from_env {
        return Ok(region.trim().to_owned());
    }
    let config = files::read_document(&paths.aws_config)?;
    let from_file = config
        .as_ref()
        .and_then(|doc| setting(doc, profile, "region"));
    Ok(from_file.unwrap_or(DEFAULT_REGION).to_owned())
}

/// A profile's setting in a config file: `[profile NAME]`, and for `default` also
/// `[default]` (which `[profile default]` overrides).
fn setting<'a>(config: &'a Document, profile: &str, key: &str) -> Option<&'a str> {
    let prefixed = config.get(&format!("profile {profile}"), key);
    let bare = || {
        (profile == "default")
            .then(|| config.get("default", key))
            .flatten()
    };
    prefixed.or_else(bare).filter(|value| !value.is_empty())
}

/// The region IAM requests are signed for: IAM is a global service that lives in the
/// first region of each partition.
pub fn iam_signing_region(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "cn-north-1"
    } else if region.starts_with("us-gov-") {
        "us-gov-west-1"
    } else {
        DEFAULT_REGION
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_settings_follow_the_profile_prefix_rules() {
        let doc = Document::parse(
            "[default]\nregion = eu-west-1\n[profile work]\nregion = ap-south-1 # mumbai\n[play]\nregion = x\n",
        )
        .unwrap();
        assert_eq!(setting(&doc, "default", "region"), Some("eu-west-1"));
        assert_eq!(setting(&doc, "work", "region"), Some("ap-south-1"));
        assert_eq!(
            setting(&doc, "play", "region"),
            None,
            "bare names only count for default"
        );
        let doc =
            Document::parse("[default]\nregion = a\n[profile default]\nregion = b\n").unwrap();
        assert_eq!(setting(&doc, "default", "region"), Some("b"));
    }

    #[test]
    fn iam_is_signed_in_its_partitions_home_region() {
        assert_eq!(iam_signing_region("eu-west-1"), "us-east-1");
        assert_eq!(iam_signing_region("cn-northwest-1"), "cn-north-1");
        assert_eq!(iam_signing_region("us-gov-east-1"), "us-gov-west-1");
    }
}
