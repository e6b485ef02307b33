//! Where the AWS console is and how a federated sign-in reaches it: the partition and
//! hosts of a region, the page to land on, and the two requests of AWS's federation
//! endpoint (`getSigninToken`, which trades session credentials for a sign-in token,
//! and `login`, the URL a browser opens). Pure: no I/O, no network; `aws::signin`
//! makes the call and `commands::login` puts it together.
//!
//! Both requests carry secrets in their query strings (the credentials, then a bearer
//! token), so they are built as [`Zeroizing`] strings and never shown; what messages
//! may show is [`SigninEndpoint::origin`].

use secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::env::SIGNIN_ENDPOINT_VARIABLE;
use crate::prompt::InputError;
use crate::session::{SessionCredentials, SessionDuration};


/// The `Issuer` of the login URL: who sent the person to the console.
pub const ISSUER: &str = "stscreds";

/// The longest console session the federation endpoint grants with `SessionDuration`
/// (12 hours).
pub const MAX_CONSOLE_SESSION_SECS: i32 = 12 * 60 * 60;

/// The AWS partitions whose consoles are public, each with its own domains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-cn`: the China regions (`cn-*`).
    China,
    /// `aws-us-gov`: AWS GovCloud (US) (`us-gov-*`).
    GovCloud,
}

impl Partition {
    /// The partition of `region`; regions of partitions without a public console (the
    /// isolated `*-iso*` ones, the European Sovereign Cloud) are refused.
    pub fn of_region(region: &str) -> Result<Self, InputError> {
        if region.contains("-iso") || region.starts_with("eusc-") {
            return Err(InputError::Invalid(format!(
                "region '{region}' belongs to a partition whose console stscreds cannot sign in to; it knows the consoles of aws, aws-cn (cn-*) and aws-us-gov (us-gov-*)"
            )));
        }
        Ok(if region.starts_with("cn-") {
            Self::China
        } else if region.starts_with("us-gov-") {
            Self::GovCloud
        } else {
            Self::Aws
        })
    }

    /// The partition's name, as in ARNs.
    pub fn name(self) -> &'static str {
        match self {
            Self::Aws => "aws",
            Self::China => "aws-cn",
            Self::GovCloud => "aws-us-gov",
        }
    }

    /// The sign-in host that serves every region of the partition.
    fn signin_host(self) -> &'static str {
        match self {
            Self::Aws => "signin.aws.amazon.com",
            Self::China => "signin.amazonaws.cn",
            Self::GovCloud => "signin.amazonaws-us-gov.com",
        }
    }

    /// The console host that serves every region of the partition.
    fn console_host(self) -> &'static str {
        match self {
            Self::Aws => "console.aws.amazon.com",
            Self::China => "console.amazonaws.cn",
            Self::GovCloud => "console.amazonaws-us-gov.com",
        }
    }

    /// Whether AWS runs region-specific sign-in and console hosts
    /// (`REGION.signin.aws.amazon.com`) for the partition's regions other than
    /// `us-east-1`, whose hosts are the global ones. Only the commercial partition
    /// has them; the others use their global hosts.
    fn has_regional_hosts(self) -> bool {
        self == Self::Aws
    }
}

/// Console pages whose path differs from the service's name, or that belong to a
/// global service (no region in the URL): `(name, path, global)`. Other names are
/// used as the path as they are (`s3`, `ec2`, `lambda`, `cloudformation`, ...).
const SERVICE_PAGES: [(&str, &str, bool); 7] = [
    ("iam", "iam", true),
    ("route53", "route53/v2", true),
    ("cloudfront", "cloudfront/v4", true),
    ("organizations", "organizations/v2", true),
    ("billing", "billing", true),
    ("dynamodb", "dynamodbv2", false),
    ("ssm", "systems-manager", false),
];

/// Where in the console to land.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page<'a> {
    /// The console home of the region.
    Home,
    /// A service's console (`--service s3`).
    Service(&'a str),
    /// Any console URL (`--destination`).
    Url(&'a str),
}

/// The console of one region: its partition and hosts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Console {
    partition: Partition,
    region: String,
}

impl Console {
    /// The console of `region`, which must look like a region name: it becomes part
    /// of host names.
    pub fn for_region(region: &str) -> Result<Self, InputError> {
        let plausible = (2..=32).contains(&region.len())
            && region.starts_with(|c: char| c.is_ascii_lowercase())
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !plausible {
            return Err(InputError::Invalid(format!(
                "'{}' is not an AWS region name like eu-west-1",
                crate::message::printable(region)
            )));
        }
        Ok(Self {
            partition: Partition::of_region(region)?,
            region: region.to_owned(),
        })
    }

    /// The region's partition.
    pub fn partition(&self) -> Partition {
        self.partition
    }

    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// `REGION.` before the partition's hosts where AWS runs regional ones.
    fn regional_prefix(&self) -> String {
        if self.partition.has_regional_hosts() && self.region != "us-east-1" {
            format!("{}.", self.region)
        } else {
            String::new()
        }
    }

    /// The sign-in host for this region.
    pub fn signin_host(&self) -> String {
        format!("{}{}", self.regional_prefix(), self.partition.signin_host())
    }

    /// The console host for this region.
    pub fn console_host(&self) -> String {
        format!(
            "{}{}",
            self.regional_prefix(),
            self.partition.console_host()
        )
    }

    /// The URL of `page`: the region's console home, a service's console (global
    /// services on the partition's global host, without a region), or a console URL
    /// given as it is (`https://` only: it is where a signed-in browser goes).
    pub fn destination(&self, page: Page<'_>) -> Result<String, InputError> {
        match page {
            Page::Home => Ok(self.regional_page("console")),
            Page::Service(name) => self.service_page(name),
            Page::Url(url) => {
                let usable = url.starts_with("https://")
                    && url.len() > "https://".len()
                    && !url.chars().any(|c| c.is_control() || c.is_whitespace());
                if usable {
                    Ok(url.to_owned())
                } else {
                    Err(InputError::Invalid(format!(
                        "--destination '{}' is not an https:// URL; give a console URL such as https://{}/s3/home",
                        crate::message::printable(url),
                        self.console_host()
                    )))
                }
            }
        }
    }

    fn service_page(&self, name: &str) -> Result<String, InputError> {
        let valid = !name.is_empty()
            && name.len() <= 64
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(InputError::Invalid(format!(
                "--service '{}' is not a console service name like s3, ec2 or iam (lower-case letters, digits and -)",
                crate::message::printable(name)
            )));
        }
        Ok(
            match SERVICE_PAGES.iter().find(|(known, ..)| *known == name) {
                Some((_, path, true)) => {
                    format!("https://{}/{path}/home", self.partition.console_host())
                }
                Some((_, path, false)) => self.regional_page(path),
                None => self.regional_page(name),
            },
        )
    }

    /// `https://CONSOLE/PATH/home?region=REGION`.
    fn regional_page(&self, path: &str) -> String {
        format!(
            "https://{}/{path}/home?region={}",
            self.console_host(),
            self.region
        )
    }
}

/// The federation endpoint: `https://` and the sign-in host of the console's region,
/// or the scheme and host of [`crate::env::SIGNIN_ENDPOINT_VARIABLE`]; the path is `/federation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SigninEndpoint {
    origin: String,
}

impl SigninEndpoint {
    /// The endpoint for `console`, or `replacement` (the variable's value: a scheme and
    /// host such as `http://127.0.0.1:8080`, nothing else) when it is set.
    pub fn new(console: &Console, replacement: Option<&str>) -> Result<Self, InputError> {
        let origin = match replacement {
            // Not quoted: a proxy URL may carry a password.
            Some(value) => origin_of(value).ok_or_else(|| {
                InputError::Invalid(format!(
                    "{SIGNIN_ENDPOINT_VARIABLE} is not a scheme and host like http://127.0.0.1:8080 (nothing else: the path /federation is added)"
                ))
            })?,
            None => format!("https://{}", console.signin_host()),
        };
        Ok(Self { origin })
    }

    /// Scheme, host and port: where the call goes, safe for messages and traces.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The `getSigninToken` request: the credentials as the `Session` JSON and, when
    /// given, the console session's length (`SessionDuration`, at most 12 hours).
    pub fn token_request(
        &self,
        credentials: &SessionCredentials,
        session_duration: Option<SessionDuration>,
    ) -> Zeroizing<String> {
        let session = Zeroizing::new(
            serde_json::json!({
                "sessionId": credentials.access_key_id,
                "sessionKey": credentials.secret_access_key.expose_secret(),
                "sessionToken": credentials.session_token.expose_secret(),
            })
            .to_string(),
        );
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("Action", "getSigninToken");
        if let Some(duration) = session_duration {
            query.append_pair(
                "SessionDuration",
                &console_session_secs(duration).to_string(),
            );
        }
        query.append_pair("Session", &session);
        let query = Zeroizing::new(query.finish());
        Zeroizing::new(format!("{}/federation?{}", self.origin, *query))
    }

    /// The `login` URL that signs a browser in with `token` and lands on `destination`.
    pub fn login_url(&self, token: &SecretString, destination: &str) -> Zeroizing<String> {
        let query = Zeroizing::new(
            form_urlencoded::Serializer::new(String::new())
                .append_pair("Action", "login")
                .append_pair("Issuer", ISSUER)
                .append_pair("Destination", destination)
                .append_pair("SigninToken", token.expose_secret())
                .finish(),
        );
        Zeroizing::new(format!("{}/federation?{}", self.origin, *query))
    }
}

/// The console session `SessionDuration` asks for, given how long the credentials
/// were meant to last: that, within what the federation endpoint grants.
pub fn console_session_secs(wanted: SessionDuration) -> i32 {
    wanted.as_secs().min(MAX_CONSOLE_SESSION_SECS)
}

/// `scheme://host[:port]` from a value with nothing else (a trailing `/` aside): no
/// path, query, fragment or user name.
fn origin_of(value: &str) -> Option<String> {
    let value = value.trim();
    let (scheme, rest) = value.split_once("://")?;
    let host = rest.strip_suffix('/').unwrap_or(rest);
    let scheme_ok = scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https");
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b));
    (scheme_ok && host_ok).then(|| format!("{}://{host}", scheme.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn console(region: &str) -> Console {
        Console::for_region(region).unwrap()
    }

    #[test]
    fn each_partition_has_its_own_hosts() {
        let cases = [
            (
                "us-east-1",
                "aws",
                "signin.aws.amazon.com",
                "console.aws.amazon.com",
            ),
            (
                "eu-west-1",
                "aws",
                "eu-west-1.signin.aws.amazon.com",
                "eu-west-1.console.aws.amazon.com",
            ),
            (
                "cn-north-1",
                "aws-cn",
                "signin.amazonaws.cn",
                "console.amazonaws.cn",
            ),
            (
                "cn-northwest-1",
                "aws-cn",
                "signin.amazonaws.cn",
                "console.amazonaws.cn",
            ),
            (
                "us-gov-west-1",
                "aws-us-gov",
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com",
            ),
            (
                "us-gov-east-1",
                "aws-us-gov",
                "signin.amazonaws-us-gov.com",
                "console.amazonaws-us-gov.com",
            ),
        ];
        for (region, partition, signin, console_host) in cases {
            let console = console(region);
            assert_eq!(console.partition().name(), partition, "{region}");
            assert_eq!(console.signin_host(), signin, "{region}");
            assert_eq!(console.console_host(), console_host, "{region}");
            let endpoint = SigninEndpoint::new(&console, None).unwrap();
            assert_eq!(endpoint.origin(), format!("https://{signin}"));
        }
    }

    #[test]
    fn regions_that_are_not_region_names_or_have_no_public_console_are_refused() {
        for bad in [
            "",
            "EU-WEST-1",
            "eu-west-1.evil.com",
            "eu west",
            "x/y",
            "-eu",
            "us-iso-east-1",
            "us-isob-east-1",
            "eusc-de-east-1",
        ] {
            assert!(Console::for_region(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn the_destination_is_the_region_home_a_service_or_a_given_url() {
        let home = |region| console(region).destination(Page::Home).unwrap();
        assert_eq!(
            home("us-east-1"),
            "https://console.aws.amazon.com/console/home?region=us-east-1"
        );
        assert_eq!(
            home("eu-west-1"),
            "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
        );
        assert_eq!(
            home("cn-north-1"),
            "https://console.amazonaws.cn/console/home?region=cn-north-1"
        );
        let service = |region, name| console(region).destination(Page::Service(name));
        assert_eq!(
            service("eu-west-1", "s3").unwrap(),
            "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
        );
        assert_eq!(
            service("eu-west-1", "iam").unwrap(),
            "https://console.aws.amazon.com/iam/home",
            "a global service: the global host, no region"
        );
        assert_eq!(
            service("us-gov-west-1", "dynamodb").unwrap(),
            "https://console.amazonaws-us-gov.com/dynamodbv2/home?region=us-gov-west-1"
        );
        for bad in ["", "S3", "s3/../x", "s3?x", "s 3"] {
            assert!(service("eu-west-1", bad).is_err(), "{bad:?}");
        }
        let url = |text| console("eu-west-1").destination(Page::Url(text));
        assert_eq!(
            url("https://console.aws.amazon.com/ec2/home#Instances").unwrap(),
            "https://console.aws.amazon.com/ec2/home#Instances"
        );
        for bad in [
            "http://console.aws.amazon.com/",
            "https://",
            "javascript:x",
            "https://a\nb",
        ] {
            assert!(url(bad).is_err(), "{bad:?}");
        }
    }

    fn credentials() -> SessionCredentials {
        SessionCredentials {
            access_key_id: "ASIAEXAMPLEKEY123456".into(),
            secret_access_key: "se/cr+et=".into(),
            session_token: "to/ken+&x=".into(),
            expiration: "2030-01-01T00:00:00Z".parse().unwrap(),
        }
    }

    fn query(url: &str) -> Vec<(String, String)> {
        let (_, query) = url.split_once('?').unwrap();
        form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect()
    }

    #[test]
    fn the_token_request_carries_exactly_the_credentials_and_a_capped_duration() {
        let endpoint = SigninEndpoint::new(&console("us-east-1"), None).unwrap();
        let request = endpoint.token_request(&credentials(), None);
        assert!(
            request.starts_with("https://signin.aws.amazon.com/federation?Action=getSigninToken&"),
            "{}",
            *request
        );
        let pairs = query(&request);
        let names: Vec<&str> = pairs.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["Action", "Session"]);
        let session: serde_json::Value = serde_json::from_str(&pairs[1].1).unwrap();
        assert_eq!(
            session,
            serde_json::json!({
                "sessionId": "ASIAEXAMPLEKEY123456",
                "sessionKey": "se/cr+et=",
                "sessionToken": "to/ken+&x=",
            })
        );
        let four_hours = SessionDuration::parse("4h").unwrap();
        let pairs = query(&endpoint.token_request(&credentials(), Some(four_hours)));
        assert_eq!(pairs[1], ("SessionDuration".into(), "14400".into()));
        let day = SessionDuration::parse("24h").unwrap();
        let pairs = query(&endpoint.token_request(&credentials(), Some(day)));
        assert_eq!(pairs[1], ("SessionDuration".into(), "43200".into()));
    }

    #[test]
    fn the_login_url_encodes_the_destination_and_token() {
        let endpoint = SigninEndpoint::new(&console("eu-west-1"), None).unwrap();
        let destination = console("eu-west-1").destination(Page::Home).unwrap();
        let url = endpoint.login_url(&"tok+en/=&x".into(), &destination);
        assert_eq!(
            *url,
            "https://eu-west-1.signin.aws.amazon.com/federation?Action=login&Issuer=stscreds&Destination=https%3A%2F%2Feu-west-1.console.aws.amazon.com%2Fconsole%2Fhome%3Fregion%3Deu-west-1&SigninToken=tok%2Ben%2F%3D%26x"
        );
        assert_eq!(
            query(&url),
            [
                ("Action".into(), "login".into()),
                ("Issuer".into(), "stscreds".into()),
                ("Destination".into(), destination),
                ("SigninToken".into(), "tok+en/=&x".into()),
            ]
        );
    }

    #[test]
    fn the_endpoint_can_be_replaced_by_a_scheme_and_host_only() {
        let replaced = |value| SigninEndpoint::new(&console("cn-north-1"), Some(value));
        assert_eq!(
            replaced("http://127.0.0.1:8080").unwrap().origin(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            replaced("HTTPS://proxy.example/").unwrap().origin(),
            "https://proxy.example"
        );
        let url = replaced("http://[::1]:9")
            .unwrap()
            .login_url(&"t".into(), "https://x");
        assert!(
            url.starts_with("http://[::1]:9/federation?Action=login&"),
            "{}",
            *url
        );
        for bad in [
            "127.0.0.1:8080",
            "ftp://host",
            "http://",
            "http://host/path",
            "http://host?x=1",
            "http://user:pw@host",
            "http://host#x",
        ] {
            assert!(replaced(bad).is_err(), "{bad:?}");
        }
    }
}
