//! The status of a student's verification and who may move it (REQUIREMENTS §4).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Status {
    /// 未核验: nothing submitted yet (a draft may exist).
    Unverified,
    /// 学生已核: submitted, waiting for the college.
    Submitted,
    /// 审核不通过: rejected with a reason.
    Rejected,
    /// 学院已审: approved; verification is complete.
    Approved,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Unverified,
        Status::Submitted,
        Status::Rejected,
        Status::Approved,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Status::Unverified => "未核验",
            Status::Submitted => "学生已核",
            Status::Rejected => "审核不通过",
            Status::Approved => "学院已审",
        }
    }

    pub fn as_db(self) -> &'static str {
        match self {
            Status::Unverified => "unverified",
            Status::Submitted => "submitted",
            Status::Rejected => "rejected",
            Status::Approved => "approved",
        }
    }

    pub fn from_db(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_db() == s)
    }

    /// The student may change their copy only before submitting or after a rejection.
    pub fn student_may_edit(self) -> bool {
        matches!(self, Status::Unverified | Status::Rejected)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Actor {
    Student,
    CollegeStaff,
    SchoolStaff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    Submit,
    Withdraw,
    Approve,
    Reject,
    Reopen,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Submit,
        Action::Withdraw,
        Action::Approve,
        Action::Reject,
        Action::Reopen,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Action::Submit => "提交核验",
            Action::Withdraw => "提交撤回",
            Action::Approve => "通过",
            Action::Reject => "不通过",
            Action::Reopen => "重新打开",
        }
    }
}

/// Student: Submit from 未核验 / 审核不通过 → 学生已核; Withdraw from 学生已核 / 审核不通过 → 未核验.
/// College or school staff: Approve and Reject a 学生已核; Reopen a 学院已审 → 未核验.
pub fn transition(from: Status, action: Action, actor: Actor) -> Result<Status, String> {
    use Action::*;
    use Status::*;
    let is_student = actor == Actor::Student;
    match action {
        Submit | Withdraw if !is_student => Err(format!("只有学生本人可以{}", action.label())),
        Approve | Reject if is_student => Err("只有学院或学校老师可以审核".into()),
        Reopen if is_student => Err("只有学院或学校老师可以重新打开".into()),
        _ => match (from, action) {
            (Unverified | Rejected, Submit) => Ok(Submitted),
            (Submitted | Rejected, Withdraw) => Ok(Unverified),
            (Submitted, Approve) => Ok(Approved),
            (Submitted, Reject) => Ok(Rejected),
            (Approved, Reopen) => Ok(Unverified),
            _ => Err(format!(
                "当前状态为{}，不能{}",
                from.label(),
                action.label()
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_db_names() {
        let labels: Vec<_> = Status::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels, ["未核验", "学生已核", "审核不通过", "学院已审"]);
        let db: Vec<_> = Status::ALL.iter().map(|s| s.as_db()).collect();
        assert_eq!(db, ["unverified", "submitted", "rejected", "approved"]);
        for status in Status::ALL {
            assert_eq!(Status::from_db(status.as_db()), Some(status));
        }
        assert_eq!(Status::from_db("Approved"), None);
        assert_eq!(Status::from_db(""), None);
        let actions: Vec<_> = Action::ALL.iter().map(|a| a.label()).collect();
        assert_eq!(
            actions,
            ["提交核验", "提交撤回", "通过", "不通过", "重新打开"]
        );
    }

    #[test]
    fn student_edits_only_before_submitting_or_after_rejection() {
        let editable: Vec<_> = Status::ALL
            .into_iter()
            .filter(|s| s.student_may_edit())
            .collect();
        assert_eq!(editable, [Status::Unverified, Status::Rejected]);
    }

    /// The expected result of every (status, action, actor), written out by hand:
    /// `Some(to)` where allowed, `None` where refused.
    #[test]
    fn full_transition_matrix() {
        use Action::*;
        use Actor::*;
        use Status::*;
        #[rustfmt::skip]
        let expected: &[(Status, Action, [Option<Status>; 3])] = &[
            //                        Student            CollegeStaff       SchoolStaff
            (Unverified, Submit,   [Some(Submitted),  None,              None]),
            (Unverified, Withdraw, [None,             None,              None]),
            (Unverified, Approve,  [None,             None,              None]),
            (Unverified, Reject,   [None,             None,              None]),
            (Unverified, Reopen,   [None,             None,              None]),
            (Submitted,  Submit,   [None,             None,              None]),
            (Submitted,  Withdraw, [Some(Unverified), None,              None]),
            (Submitted,  Approve,  [None,             Some(Approved),    Some(Approved)]),
            (Submitted,  Reject,   [None,             Some(Rejected),    Some(Rejected)]),
            (Submitted,  Reopen,   [None,             None,              None]),
            (Rejected,   Submit,   [Some(Submitted),  None,              None]),
            (Rejected,   Withdraw, [Some(Unverified), None,              None]),
            (Rejected,   Approve,  [None,             None,              None]),
            (Rejected,   Reject,   [None,             None,              None]),
            (Rejected,   Reopen,   [None,             None,              None]),
            (Approved,   Submit,   [None,             None,              None]),
            (Approved,   Withdraw, [None,             None,              None]),
            (Approved,   Approve,  [None,             None,              None]),
            (Approved,   Reject,   [None,             None,              None]),
            (Approved,   Reopen,   [None,             Some(Unverified),  Some(Unverified)]),
        ];
        assert_eq!(expected.len(), Status::ALL.len() * Action::ALL.len());
        for &(from, action, row) in expected {
            for (actor, want) in [Student, CollegeStaff, SchoolStaff].into_iter().zip(row) {
                let got = transition(from, action, actor);
                match want {
                    Some(to) => assert_eq!(got, Ok(to), "{from:?} {action:?} {actor:?}"),
                    None => {
                        let message = got.expect_err(&format!("{from:?} {action:?} {actor:?}"));
                        assert!(!message.is_empty());
                    }
                }
            }
        }
    }

    #[test]
    fn refusals_explain_themselves() {
        assert_eq!(
            transition(Status::Approved, Action::Withdraw, Actor::Student).unwrap_err(),
            "当前状态为学院已审，不能提交撤回"
        );
        assert_eq!(
            transition(Status::Submitted, Action::Submit, Actor::Student).unwrap_err(),
            "当前状态为学生已核，不能提交核验"
        );
        assert_eq!(
            transition(Status::Submitted, Action::Approve, Actor::Student).unwrap_err(),
            "只有学院或学校老师可以审核"
        );
        assert_eq!(
            transition(Status::Submitted, Action::Reject, Actor::Student).unwrap_err(),
            "只有学院或学校老师可以审核"
        );
        assert_eq!(
            transition(Status::Approved, Action::Reopen, Actor::Student).unwrap_err(),
            "只有学院或学校老师可以重新打开"
        );
        assert_eq!(
            transition(Status::Unverified, Action::Submit, Actor::CollegeStaff).unwrap_err(),
            "只有学生本人可以提交核验"
        );
        assert_eq!(
            transition(Status::Submitted, Action::Withdraw, Actor::SchoolStaff).unwrap_err(),
            "只有学生本人可以提交撤回"
        );
        assert_eq!(
            transition(Status::Rejected, Action::Approve, Actor::CollegeStaff).unwrap_err(),
            "当前状态为审核不通过，不能通过"
        );
    }
}
