//! A new IAM user set up as the quick start does: keys stored by `init`, an MFA device.

use super::Sandbox;
use super::moto::{Moto, TestUser};

/// A sandbox with `profile` initialised for a new user (through `endpoint`): the
/// sandbox, the user and the serial of the user's MFA device.
pub fn initialised(moto: &Moto, endpoint: &str, profile: &str) -> (Sandbox, TestUser, String) {
    let (user, serial) = moto.create_user_with_mfa("eco");
    let sandbox = Sandbox::new(endpoint);
    sandbox.init(profile, &user);
    (sandbox, user, serial)
}
