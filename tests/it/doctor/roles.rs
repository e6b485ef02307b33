//! Role profiles: what renews their sessions is the base profile's, at the end of the
//! `source_profile` chain, and doctor judges that.

use super::{Home, REGION, assert_fix_clears, finding};

/// The code of a role's session comes from the base profile's `mfa_process` (a role
/// profile's own is not used), two `source_profile`s down.
#[test]
fn a_missing_mfa_process_of_the_base_profile_is_found_for_a_role_on_a_role() {
    let role = "arn:aws:iam::123456789012:role/Doctor";
    let home = Home::new(&format!(
        "[profile work]\nregion = {REGION}\nmfa_process = /nonexistent/otp-code\n\
         [profile admin]\nrole_arn = {role}\nsource_profile = work\nregion = {REGION}\n\
         [profile deep]\nrole_arn = {role}\nsource_profile = admin\nregion = {REGION}\n"
    ));
    let env = home.env(&[("AWS_PROFILE", "deep")]);
    let args = ["--profile", "deep"];
    let (_, json) = home.doctor(&env, &args);
    let missing = finding(&json, "mfa-process-missing");
    assert!(
        missing["message"]
            .as_str()
            .unwrap()
            .contains("profile 'work'"),
        "{json:#}"
    );
    assert_eq!(missing["line"], 1, "{json:#}");
    assert_fix_clears(&home, &json, "mfa-process-missing", &env, "", &args);
}
