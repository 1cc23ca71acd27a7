//! The byte layouts of the index's values: LEB128 varints, strings with a
//! length, optional days. Everything the index writes is read back through
//! [`Bytes`], which reports a short or malformed value as [`Corrupt`]
//! instead of panicking: a damaged file must give a message, not a crash.

use crate::events::dates::Day;

/// A stored value that does not decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupt;

pub fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push(value as u8 | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

pub fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// `None` as 0, a string as its length plus one and its bytes.
pub fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => put_varint(out, 0),
        Some(s) => {
            put_varint(out, s.len() as u64 + 1);
            out.extend_from_slice(s.as_bytes());
        }
    }
}

/// `None` as 0, a day as its zigzag code plus one.
pub fn put_day(out: &mut Vec<u8>, day: Option<Day>) {
    let code = day.map_or(0, |d| ((d << 1) ^ (d >> 31)) as u32 as u64 + 1);
    put_varint(out, code);
}

/// A cursor over a stored value.
pub struct Bytes<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Bytes<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Bytes { bytes, at: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.at >= self.bytes.len()
    }

    pub fn varint(&mut self) -> Result<u64, Corrupt> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.bytes.get(self.at).ok_or(Corrupt)?;
            self.at += 1;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Corrupt)
    }

    pub fn u32(&mut self) -> Result<u32, Corrupt> {
        u32::try_from(self.varint()?).map_err(|_| Corrupt)
    }

    /// What is left of the value.
    pub fn rest(&self) -> &'a [u8] {
        &self.bytes[self.at.min(self.bytes.len())..]
    }

    pub fn take(&mut self, len: usize) -> Result<&'a [u8], Corrupt> {
        let end = self.at.checked_add(len).ok_or(Corrupt)?;
        let slice = self.bytes.get(self.at..end).ok_or(Corrupt)?;
        self.at = end;
        Ok(slice)
    }

    pub fn str(&mut self) -> Result<&'a str, Corrupt> {
        let len = self.varint()? as usize;
        std::str::from_utf8(self.take(len)?).map_err(|_| Corrupt)
    }

    pub fn opt_str(&mut self) -> Result<Option<&'a str>, Corrupt> {
        match self.varint()? as usize {
            0 => Ok(None),
            len => std::str::from_utf8(self.take(len - 1)?)
                .map(Some)
                .map_err(|_| Corrupt),
        }
    }

    pub fn day(&mut self) -> Result<Option<Day>, Corrupt> {
        match self.varint()? {
            0 => Ok(None),
            code => {
                let z = u32::try_from(code - 1).map_err(|_| Corrupt)?;
                Ok(Some(((z >> 1) as i32) ^ -((z & 1) as i32)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layout_reads_back() {
        let mut out = Vec::new();
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            put_varint(&mut out, v);
        }
        put_str(&mut out, "héllo");
        put_opt_str(&mut out, None);
        put_opt_str(&mut out, Some(""));
        for d in [None, Some(0), Some(-1), Some(20_000), Some(i32::MIN)] {
            put_day(&mut out, d);
        }
        let mut b = Bytes::new(&out);
        for v in [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX] {
            assert_eq!(b.varint(), Ok(v));
        }
        assert_eq!(b.str(), Ok("héllo"));
        assert_eq!(b.opt_str(), Ok(None));
        assert_eq!(b.opt_str(), Ok(Some("")));
        for d in [None, Some(0), Some(-1), Some(20_000), Some(i32::MIN)] {
            assert_eq!(b.day(), Ok(d));
        }
        assert!(b.is_empty());
        assert_eq!(b.varint(), Err(Corrupt));
    }

    #[test]
    fn a_cut_value_is_corrupt_not_a_panic() {
        let mut out = Vec::new();
        put_str(&mut out, "a long enough string");
        for len in 0..out.len() {
            assert_eq!(Bytes::new(&out[..len]).str(), Err(Corrupt));
        }
        assert_eq!(Bytes::new(&[0xff; 11]).varint(), Err(Corrupt));
    }
}
