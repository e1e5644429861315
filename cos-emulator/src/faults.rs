//! Fault injection: rules that make chosen requests fail, stall or lose their connection.

use std::time::Duration;

use cos_xml::op::Op;

use crate::errors::EmulatorError;

/// What a matching request suffers.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FaultAction {
    /// Answer with this HTTP status and a COS XML error carrying `code`.
    Status {
        /// HTTP status, e.g. 503.
        status: u16,
        /// COS error code, e.g. `SlowDown`.
        code: String,
    },
    /// Drop the TCP connection after this many bytes of the request body were read.
    ResetRequestAfter(u64),
    /// Drop the TCP connection after this many bytes of the response body were sent.
    ResetResponseAfter(u64),
    /// Wait this long before handling the request.
    Latency(Duration),
    /// Send only this many bytes of the response body, then end the connection (the
    /// advertised `Content-Length` is kept, so the client sees a short body).
    TruncateResponse(u64),
}

impl FaultAction {
    /// A status fault with COS's usual code for `status` (503 → `SlowDown`).
    pub fn status(status: u16) -> Self {
        FaultAction::Status {
            status,
            code: default_code(status).to_owned(),
        }
    }
}

fn default_code(status: u16) -> &'static str {
    match status {
        503 => "SlowDown",
        500 => "InternalError",
        502 => "BadGateway",
        504 => "GatewayTimeout",
        429 => "RequestLimitExceeded",
        403 => "AccessDenied",
        404 => "NoSuchKey",
        409 => "Conflict",
        _ => "InternalError",
    }
}

/// One fault rule: an action, and which requests it applies to.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    action: FaultAction,
    operation: Option<String>,
    key_pattern: Option<String>,
    probability: f64,
    first: Option<u64>,
}

impl FaultRule {
    /// A rule applying `action` to every request.
    pub fn new(action: FaultAction) -> Self {
        FaultRule {
            action,
            operation: None,
            key_pattern: None,
            probability: 1.0,
            first: None,
        }
    }

    /// Parses the CLI syntax: comma-separated `name=value` pairs, e.g.
    /// `op=UploadPart,key=big/*,status=503,first=2`, `prob=0.2,status=503`,
    /// `op=GetObject,reset-response-after=1048576`, `reset-request-after=65536`,
    /// `latency-ms=50`, `truncate-response=100`. `code=` sets the error code of a
    /// status fault.
    ///
    /// Errors: [`EmulatorError::InvalidFault`] for unknown names, bad numbers, or not
    /// exactly one action.
    pub fn parse(spec: &str) -> Result<Self, EmulatorError> {
        let bad = |msg: String| EmulatorError::InvalidFault(format!("{spec:?}: {msg}"));
        let mut action = None;
        let mut status = None;
        let mut code = None;
        let mut op = None;
        let mut key = None;
        let mut prob = 1.0;
        let mut first = None;
        let set_action = |a: FaultAction, action: &mut Option<FaultAction>| {
            if action.replace(a).is_some() {
                Err(bad("more than one action".into()))
            } else {
                Ok(())
            }
        };
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| bad(format!("{part:?} is not name=value")))?;
            let num = |v: &str| -> Result<u64, EmulatorError> {
                v.parse().map_err(|_| bad(format!("{v:?} is not a number")))
            };
            match name {
                "op" | "operation" => op = Some(check_operation(value).map_err(bad)?),
                "key" => key = Some(value.to_owned()),
                "prob" | "probability" => {
                    prob = value
                        .parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=1.0).contains(p))
                        .ok_or_else(|| bad(format!("probability {value:?} not in 0..=1")))?;
                }
                "first" => first = Some(num(value)?),
                "status" => {
                    let s = num(value)?;
                    status = Some(
                        u16::try_from(s)
                            .ok()
                            .filter(|s| (100..600).contains(s))
                            .ok_or_else(|| bad(format!("bad status {value}")))?,
                    );
                }
                "code" => code = Some(value.to_owned()),
                "reset-request-after" => {
                    set_action(FaultAction::ResetRequestAfter(num(value)?), &mut action)?
                }
                "reset-response-after" => {
                    set_action(FaultAction::ResetResponseAfter(num(value)?), &mut action)?
                }
                "latency-ms" => set_action(
                    FaultAction::Latency(Duration::from_millis(num(value)?)),
                    &mut action,
                )?,
                "truncate-response" => {
                    set_action(FaultAction::TruncateResponse(num(value)?), &mut action)?
                }
                other => return Err(bad(format!("unknown setting {other:?}"))),
            }
        }
        if let Some(status) = status {
            let code = code.unwrap_or_else(|| default_code(status).to_owned());
            set_action(FaultAction::Status { status, code }, &mut action)?;
        } else if code.is_some() {
            return Err(bad("code= needs status=".into()));
        }
        let action = action.ok_or_else(|| bad("no action".into()))?;
        let mut rule = FaultRule::new(action).probability(prob);
        rule.operation = op;
        rule.key_pattern = key;
        rule.first = first;
        Ok(rule)
    }

    /// Restricts the rule to one COS operation (`PutObject`, `GetObject`, `UploadPart`, ...:
    /// a name of [`cos_xml::op::Op::ALL`], or `V4`/`V4Download`).
    pub fn operation(mut self, op: &str) -> Self {
        self.operation = Some(op.to_owned());
        self
    }

    /// Restricts the rule to one operation of the table: the typed, always valid form
    /// of [`FaultRule::operation`].
    pub fn op(self, op: Op) -> Self {
        self.operation(op.name())
    }

    /// Restricts the rule to object keys matching a glob (`*` any run, `?` one character).
    pub fn key_pattern(mut self, glob: &str) -> Self {
        self.key_pattern = Some(glob.to_owned());
        self
    }

    /// Applies the rule to a matching request with probability `p` (clamped to 0..=1).
    pub fn probability(mut self, p: f64) -> Self {
        self.probability = if p.is_nan() { 0.0 } else { p.clamp(0.0, 1.0) };
        self
    }

    /// Applies the rule only to the first `n` matching requests.
    pub fn first(mut self, n: u64) -> Self {
        self.first = Some(n);
        self
    }

    /// The action of this rule.
    pub fn action(&self) -> &FaultAction {
        &self.action
    }

    fn matches(&self, operation: &str, key: Option<&str>) -> bool {
        if self.operation.as_deref().is_some_and(|op| op != operation) {
            return false;
        }
        match &self.key_pattern {
            None => true,
            Some(glob) => key.is_some_and(|k| glob_match(glob, k)),
        }
    }
}

/// The operation names of the mock STS and metadata server (what
/// `crate::sts::operation` names their requests).
const MOCK_OPERATIONS: [&str; 5] = [
    "AssumeRole",
    "AssumeRoleWithWebIdentity",
    "GetFederationToken",
    "StsCall",
    "InstanceMetadata",
];

/// Checks an operation name of a rule: one of the table ([`Op::ALL`]), of the v4
/// API or of the mock services.
///
/// Errors: a message listing the valid names.
fn check_operation(name: &str) -> Result<String, String> {
    if name.parse::<Op>().is_ok()
        || crate::routing::v4::OPERATIONS.contains(&name)
        || MOCK_OPERATIONS.contains(&name)
    {
        return Ok(name.to_owned());
    }
    let valid: Vec<&str> = Op::ALL
        .iter()
        .map(|op| op.name())
        .chain(crate::routing::v4::OPERATIONS)
        .chain(MOCK_OPERATIONS)
        .collect();
    Err(format!(
        "unknown operation {name:?}; valid operations: {}",
        valid.join(", ")
    ))
}

/// `*` matches any run of characters, `?` exactly one.
fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// The faults chosen for one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Injected {
    pub status: Option<(u16, String)>,
    pub reset_request_after: Option<u64>,
    pub reset_response_after: Option<u64>,
    pub truncate_response: Option<u64>,
    pub latency: Duration,
}

impl Injected {
    /// The byte count after which the response body must stop, if any.
    pub fn response_limit(&self) -> Option<u64> {
        match (self.reset_response_after, self.truncate_response) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The active rules with their match counters and a seeded random generator.
#[derive(Debug)]
pub(crate) struct FaultSet {
    rules: Vec<(FaultRule, u64)>,
    rng: SplitMix64,
}

impl FaultSet {
    pub fn new(rules: Vec<FaultRule>, seed: u64) -> Self {
        FaultSet {
            rules: rules.into_iter().map(|r| (r, 0)).collect(),
            rng: SplitMix64(seed),
        }
    }

    pub fn add(&mut self, rule: FaultRule) {
        self.rules.push((rule, 0));
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// Whether there is no rule.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Decides which faults hit a request of `operation` on `key`.
    pub fn decide(&mut self, operation: &str, key: Option<&str>) -> Injected {
        let mut out = Injected::default();
        for (rule, count) in &mut self.rules {
            if !rule.matches(operation, key) {
                continue;
            }
            *count += 1;
            if rule.first.is_some_and(|n| *count > n) {
                continue;
            }
            if rule.probability < 1.0 && self.rng.next_f64() >= rule.probability {
                continue;
            }
            match &rule.action {
                FaultAction::Status { status, code } => {
                    out.status.get_or_insert((*status, code.clone()));
                }
                FaultAction::ResetRequestAfter(n) => out.reset_request_after = Some(*n),
                FaultAction::ResetResponseAfter(n) => out.reset_response_after = Some(*n),
                FaultAction::TruncateResponse(n) => out.truncate_response = Some(*n),
                FaultAction::Latency(d) => out.latency += *d,
            }
        }
        out
    }
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_cli_specs() {
        let r = FaultRule::parse("op=UploadPart,key=big/*,status=503,first=2")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.action, FaultAction::status(503));
        assert_eq!(r.first, Some(2));
        assert!(r.matches("UploadPart", Some("big/x")));
        assert!(!r.matches("UploadPart", Some("small/x")));
        assert!(!r.matches("PutObject", Some("big/x")));
        let r = FaultRule::parse("op=GetObject,reset-response-after=1048576")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.action, FaultAction::ResetResponseAfter(1_048_576));
        assert!(FaultRule::parse("latency-ms=50").is_ok());
        assert!(FaultRule::parse("prob=0.2,status=503").is_ok());
        assert!(FaultRule::parse("truncate-response=100").is_ok());
        assert!(FaultRule::parse("reset-request-after=65536").is_ok());
        assert!(FaultRule::parse("op=GetObject").is_err());
        assert!(FaultRule::parse("status=503,latency-ms=1").is_err());
        assert!(FaultRule::parse("prob=2,status=503").is_err());
        assert!(FaultRule::parse("op=V4Download,status=503").is_ok());
    }

    #[test]
    fn unknown_operations_are_rejected_with_the_valid_names() {
        let e = FaultRule::parse("op=UploadParts,status=503")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown operation \"UploadParts\""), "{e}");
        for op in Op::ALL {
            assert!(e.contains(op.name()), "{e}");
        }
        assert!(e.contains("V4Download"), "{e}");
        let typed = FaultRule::new(FaultAction::status(503)).op(Op::UploadPart);
        assert!(typed.matches("UploadPart", None) && !typed.matches("PutObject", None));
    }

    #[test]
    fn first_n_and_probability_are_deterministic() {
        let mut set = FaultSet::new(vec![FaultRule::new(FaultAction::status(503)).first(2)], 1);
        let hits: Vec<bool> = (0..4)
            .map(|_| set.decide("PutObject", Some("k")).status.is_some())
            .collect();
        assert_eq!(hits, [true, true, false, false]);
        let run = |seed| {
            let mut set = FaultSet::new(
                vec![FaultRule::new(FaultAction::status(500)).probability(0.5)],
                seed,
            );
            (0..64)
                .map(|_| set.decide("GetObject", None).status.is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        let n = run(7).iter().filter(|b| **b).count();
        assert!((16..48).contains(&n), "{n}");
    }

    #[test]
    fn globs() {
        assert!(glob_match("a*c", "abbbc"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "abbc"));
        assert!(glob_match("*", ""));
        assert!(glob_match("big/*", "big/a/b"));
    }
}
