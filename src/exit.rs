//! Exit codes, the contract with shells and CI jobs.

use std::process::ExitCode;

/// 0: success. 1: a check flag was given and what it checks for was found.
/// 2: an error (usage, or an input that could not be read), reported after
/// the other inputs were processed. An error outranks a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    Success = 0,
    Found = 1,
    Error = 2,
}

impl Exit {
    /// The status of a run that had `errors` and `found` what a check looks for.
    pub fn of(errors: bool, found: bool) -> Exit {
        if errors {
            Exit::Error
        } else if found {
            Exit::Found
        } else {
            Exit::Success
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_outrank_findings() {
        assert_eq!(Exit::of(false, false), Exit::Success);
        assert_eq!(Exit::of(false, true), Exit::Found);
        assert_eq!(Exit::of(true, true), Exit::Error);
        assert_eq!(Exit::Error as u8, 2);
    }
}
