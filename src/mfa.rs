//! Where MFA codes and devices come from: `--token-code`, or a question on the terminal.

use std::fmt;
use std::str::FromStr;

use crate::prompt::Ask;

/// A well-formed MFA code: exactly six digits.
#[derive(Clone, PartialEq, Eq)]
pub struct TokenCode(String);

impl TokenCode {
    /// The six digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TokenCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenCode(******)")
    }
}

impl FromStr for TokenCode {
    type Err = MfaError;

    /// Accepts `123456` and the `123 456` that authenticator apps display.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.len() == 6 && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(digits))
        } else {
            Err(MfaError::MalformedCode)
        }
    }
}

/// Why no MFA code or device could be settled on.
#[derive(Debug, thiserror::Error)]
pub enum MfaError {
    /// The code is not six digits.
    #[error(
        "an MFA code is the 6 digits your MFA device shows (e.g. 123456); nothing was sent to AWS, try again with the current code"
    )]
    MalformedCode,
    /// The IAM user has no MFA device.
    #[error(
        "IAM user '{user}' has no MFA device; assign one in the IAM console (Security credentials > Multi-factor authentication > Assign MFA device), then run `stscreds auth` again"
    )]
    NoDevice {
        /// The IAM user name.
        user: String,
    },
    /// Several devices and no way to ask which one.
    #[error("IAM user '{user}' has several MFA devices ({}); choose one with --mfa-serial ARN", devices.join(", "))]
    SeveralDevices {
        /// The IAM user name.
        user: String,
        /// The device serial numbers (ARNs).
        devices: Vec<String>,
    },
    /// `--mfa-serial` names a device the user does not have.
    #[error("IAM user '{user}' has no MFA device {serial}; its devices are: {}", devices.join(", "))]
    UnknownDevice {
        /// The IAM user name.
        user: String,
        /// The serial asked for.
        serial: String,
        /// The user's real devices.
        devices: Vec<String>,
    },
    /// Three answers to "which device?" were not a number from the list.
    #[error(
        "no MFA device was chosen; run again and type the number of one of the listed devices, or pass --mfa-serial ARN"
    )]
    NoChoice,
}

/// Asks for the MFA code with the prompt users of the original tool know.
pub fn ask_code(ask: &mut dyn Ask, user: &str) -> Result<TokenCode, crate::Error> {
    let answer = ask.line(&format!("Current user: {user}. Please enter MFA token: "))?;
    Ok(answer.parse()?)
}

/// Settles which of the user's MFA devices to use: the only one; or, on a terminal, the
/// one the person picks from a numbered list.
pub fn choose_device(
    ask: &mut dyn Ask,
    user: &str,
    devices: Vec<String>,
) -> Result<String, crate::Error> {
    const ATTEMPTS: usize = 3;
    match devices.len() {
        0 => {
            return Err(MfaError::NoDevice {
                user: user.to_owned(),
            }
            .into());
        }
        1 => return Ok(devices.into_iter().next().unwrap_or_default()),
        _ if !ask.is_interactive() => {
            return Err(MfaError::SeveralDevices {
                user: user.to_owned(),
                devices,
            }
            .into());
        }
        _ => {}
    }
    eprintln!("IAM user '{user}' has {} MFA devices:", devices.len());
    for (number, device) in devices.iter().enumerate() {
        eprintln!("  {}) {device}", number + 1);
    }
    let prompt = format!("Which one should stscreds use? [1-{}]: ", devices.len());
    for _ in 0..ATTEMPTS {
        let answer = ask.line(&prompt)?;
        if let Ok(number) = answer.trim().parse::<usize>()
            && (1..=devices.len()).contains(&number)
        {
            return Ok(devices[number - 1].clone());
        }
    }
    Err(MfaError::NoChoice.into())
}

/// Checks a serial given with `--mfa-serial` against the user's devices.
pub fn check_device(user: &str, serial: &str, devices: Vec<String>) -> Result<String, MfaError> {
    if devices.iter().any(|device| device == serial) {
        Ok(serial.to_owned())
    } else {
        Err(MfaError::UnknownDevice {
            user: user.to_owned(),
            serial: serial.to_owned(),
            devices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::Scripted;

    fn devices(n: usize) -> Vec<String> {
        (1..=n)
            .map(|i| format!("arn:aws:iam::1:mfa/d{i}"))
            .collect()
    }

    #[test]
    fn codes_are_six_digits_with_optional_spaces() {
        assert_eq!("123456".parse::<TokenCode>().unwrap().as_str(), "123456");
        assert_eq!(" 123 456 ".parse::<TokenCode>().unwrap().as_str(), "123456");
        for bad in ["", "12345", "1234567", "abcdef", "12345x", "１２３４５６"] {
            assert!(bad.parse::<TokenCode>().is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_code_never_shows_in_debug_output() {
        let code: TokenCode = "123456".parse().unwrap();
        assert!(!format!("{code:?}").contains("123456"));
    }

    #[test]
    fn the_prompt_names_the_user() {
        let mut ask = Scripted::new(&["654321"], false);
        let code = ask_code(&mut ask, "alice").unwrap();
        assert_eq!(code.as_str(), "654321");
        assert_eq!(
            ask.prompts,
            ["Current user: alice. Please enter MFA token: "]
        );
    }

    #[test]
    fn one_device_is_used_without_asking() {
        let mut ask = Scripted::new(&[], true);
        assert_eq!(
            choose_device(&mut ask, "u", devices(1)).unwrap(),
            "arn:aws:iam::1:mfa/d1"
        );
        assert!(ask.prompts.is_empty());
    }

    #[test]
    fn no_device_explains_how_to_add_one() {
        let error = choose_device(&mut Scripted::new(&[], true), "u", vec![]).unwrap_err();
        assert!(error.to_string().contains("Assign MFA device"), "{error}");
    }

    #[test]
    fn several_devices_without_a_terminal_list_the_serials() {
        let error = choose_device(&mut Scripted::new(&[], false), "u", devices(2)).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("arn:aws:iam::1:mfa/d1, arn:aws:iam::1:mfa/d2"),
            "{message}"
        );
        assert!(message.contains("--mfa-serial"), "{message}");
    }

    #[test]
    fn several_devices_on_a_terminal_are_chosen_by_number_after_retries() {
        let mut ask = Scripted::new(&["x", "9", "2"], true);
        assert_eq!(
            choose_device(&mut ask, "u", devices(3)).unwrap(),
            "arn:aws:iam::1:mfa/d2"
        );
        assert_eq!(ask.prompts.len(), 3);
        let mut ask = Scripted::new(&["x", "0", "4"], true);
        assert!(choose_device(&mut ask, "u", devices(3)).is_err());
    }

    #[test]
    fn a_named_device_must_be_one_of_the_users() {
        assert!(check_device("u", "arn:aws:iam::1:mfa/d2", devices(2)).is_ok());
        let error = check_device("u", "arn:aws:iam::1:mfa/zz", devices(2)).unwrap_err();
        assert!(
            error.to_string().contains("arn:aws:iam::1:mfa/d1"),
            "{error}"
        );
    }
}
