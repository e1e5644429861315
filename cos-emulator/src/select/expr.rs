//! The plan's expressions: what [`super::sql`] lowers SQL into and [`super::eval`] runs.

use super::eval::Value;

/// One step of a column path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// A field by name; `quoted` names match case-sensitively.
    Field { name: String, quoted: bool },
    /// An array element (`[n]`, from 0).
    Index(usize),
}

/// A scalar operator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    Concat,
}

/// A type of `CAST`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CastTo {
    Int,
    Float,
    Str,
    Bool,
}

/// A scalar function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Func {
    Lower,
    Upper,
    CharLength,
    Coalesce,
    NullIf,
    Abs,
}

/// An aggregate function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum AggKind {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

/// An expression of the plan.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Lit(Value),
    /// The whole record (the table alias alone).
    Record,
    Col(Vec<Step>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(BinOp, Box<Expr>, Box<Expr>),
    Like {
        expr: Box<Expr>,
        pattern: Box<Expr>,
        escape: Option<char>,
        negated: bool,
    },
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
    },
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    IsNull(Box<Expr>, bool),
    Cast(Box<Expr>, CastTo),
    Case {
        operand: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
    Func(Func, Vec<Expr>),
    Substring(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    Trim(Box<Expr>),
    /// The value of aggregate number `n` (only after the scan).
    Agg(usize),
}

/// An aggregate to compute: its kind and argument (`None` for `COUNT(*)`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AggSpec {
    pub kind: AggKind,
    pub arg: Option<Expr>,
}

/// One output column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Projection {
    pub expr: Expr,
    /// The name for JSON output: the alias, the column's name, or `_N`.
    pub name: String,
}

/// A planned query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Query {
    /// `None` for `SELECT *`.
    pub projections: Option<Vec<Projection>>,
    pub filter: Option<Expr>,
    pub limit: Option<u64>,
    pub aggregates: Vec<AggSpec>,
}
