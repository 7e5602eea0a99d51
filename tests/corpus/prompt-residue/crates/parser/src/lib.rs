//! A tiny expression parser.
//!
//! ```
//! let v = parser::eval("1 + 2").unwrap();
//! assert_eq!(v, 3);
//! ```

use std::iter::Peekable;
use std::str::Chars;

/// Evaluates an expression.
///
/// ```
/// # use parser::eval;
/// assert_eq!(eval("2 * 3").unwrap(), 6);
/// // ...
/// ```
pub fn eval(src: &str) -> Result<i64, String> {
    let mut it = src.chars().peekable();
    let v = expr(&mut it)?;
    Ok(v)
}

fn expr(it: &mut Peekable<Chars<'_>>) -> Result<i64, String> {
    let mut acc = term(it)?;
    while let Some(&c) = it.peek() {
        match c {
            '+' => { it.next(); acc += term(it)?; }
            ' ' => { it.next(); }
            _ => break,
        }
    }
    Ok(acc)
}

fn term(it: &mut Peekable<Chars<'_>>) -> Result<i64, String> {
    // unchanged
    let mut n = 0i64;
    while let Some(&c) = it.peek() {
        if !c.is_ascii_digit() { break; }
        n = n * 10 + (c as i64 - '0' as i64);
        it.next();
    }
    Ok(n)
}
