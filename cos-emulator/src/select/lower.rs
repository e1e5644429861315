//! Lowering of sqlparser's leaves (names, paths, literals, operators, types) into the
//! plan's, refusing what COS Select does not have.

use sqlparser::ast::{self, BinaryOperator, DataType};

use super::SelectError;
use super::eval::Value;
use super::expr::{BinOp, CastTo, Step};
use super::sql::unsupported;

pub(crate) fn field(id: &ast::Ident) -> Step {
    Step::Field {
        name: id.value.clone(),
        quoted: id.quote_style.is_some(),
    }
}

pub(crate) fn access_step(a: &ast::AccessExpr, whole: &ast::Expr) -> Result<Step, SelectError> {
    use ast::{AccessExpr, Subscript};
    match a {
        AccessExpr::Dot(ast::Expr::Identifier(id)) => Ok(field(id)),
        AccessExpr::Subscript(Subscript::Index {
            index: ast::Expr::Value(v),
        }) => match &v.value {
            ast::Value::Number(n, _) => n
                .parse()
                .map(Step::Index)
                .map_err(|_| unsupported(format!("The index {n}"))),
            ast::Value::SingleQuotedString(s) => Ok(Step::Field {
                name: s.clone(),
                quoted: true,
            }),
            _ => Err(unsupported(format!("The path {whole}"))),
        },
        _ => Err(unsupported(format!("The path {whole}"))),
    }
}

pub(crate) fn literal(v: &ast::Value) -> Result<Value, SelectError> {
    Ok(match v {
        ast::Value::Number(n, _) => match n.parse::<i64>() {
            Ok(i) => Value::Int(i),
            Err(_) => Value::Float(
                n.parse()
                    .map_err(|_| unsupported(format!("The number {n}")))?,
            ),
        },
        ast::Value::SingleQuotedString(s) => Value::Str(s.clone()),
        ast::Value::Boolean(b) => Value::Bool(*b),
        ast::Value::Null => Value::Null,
        other => return Err(unsupported(format!("The literal {other}"))),
    })
}

pub(crate) fn escape(v: &ast::Value) -> Result<char, SelectError> {
    if let ast::Value::SingleQuotedString(s) = v {
        let mut c = s.chars();
        if let (Some(ch), None) = (c.next(), c.next()) {
            return Ok(ch);
        }
    }
    Err(SelectError::new(
        "InvalidArgument",
        format!("The LIKE escape {v} is not one character."),
    ))
}

pub(crate) fn bin_op(op: &BinaryOperator) -> Result<BinOp, SelectError> {
    use BinaryOperator as B;
    Ok(match op {
        B::Plus => BinOp::Add,
        B::Minus => BinOp::Sub,
        B::Multiply => BinOp::Mul,
        B::Divide => BinOp::Div,
        B::Modulo => BinOp::Mod,
        B::Eq => BinOp::Eq,
        B::NotEq => BinOp::Ne,
        B::Lt => BinOp::Lt,
        B::LtEq => BinOp::Le,
        B::Gt => BinOp::Gt,
        B::GtEq => BinOp::Ge,
        B::And => BinOp::And,
        B::Or => BinOp::Or,
        B::StringConcat => BinOp::Concat,
        other => {
            return Err(SelectError::new(
                "UnsupportedSqlOperation",
                format!("The operator {other} is not supported by COS Select."),
            ));
        }
    })
}

pub(crate) fn cast_to(t: &DataType) -> Result<CastTo, SelectError> {
    Ok(match t {
        DataType::Int(_) | DataType::Integer(_) | DataType::BigInt(_) | DataType::Int64 => {
            CastTo::Int
        }
        DataType::Float(_)
        | DataType::Double(_)
        | DataType::Real
        | DataType::Float64
        | DataType::Decimal(_)
        | DataType::Numeric(_) => CastTo::Float,
        DataType::String(_) | DataType::Varchar(_) | DataType::Char(_) | DataType::Text => {
            CastTo::Str
        }
        DataType::Bool | DataType::Boolean => CastTo::Bool,
        other => {
            return Err(unsupported(format!("CAST to {other}")));
        }
    })
}
