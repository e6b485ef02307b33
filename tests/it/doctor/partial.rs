//! Half a key pair in a profile's section of `~/.aws/credentials` (a key id without its
//! secret, or the reverse): what each client makes of it, and doctor with them.

use super::{Home, assert_doctor_agrees_with_the_clients, assert_fix_clears, finding};

#[test]
fn half_a_key_pair_in_the_credentials_file() {
    let home = Home::usual();
    for half in [
        "[work]\naws_access_key_id = AKIAHALF00000001\n",
        "[work]\naws_secret_access_key = alone\n",
    ] {
        home.sandbox.write(".aws/credentials", half);
        let env = home.env(&[("AWS_PROFILE", "work")]);
        let json = assert_doctor_agrees_with_the_clients(&home, &env, &[]);
        assert_eq!(finding(&json, "partial-file-keys")["line"], 2, "{json:#}");
        assert_fix_clears(&home, &json, "partial-file-keys", &env, "", &[]);
        assert!(!home.sandbox.read(".aws/credentials").contains("aws_"));
    }
}
