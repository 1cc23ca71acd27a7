//! Spill: the bulky per-article data of the cleaner and the near-duplicate
//! stage, kept in unnamed temporary files instead of memory, so that memory
//! holds a few numbers per article however large the corpus.
//!
//! Three shapes: [`Records`], one byte record per item, read back by number
//! (what the cleaner's first pass learnt of each article); [`SetFile`], each
//! distinct shingle set whole, read back by set for exact verification; and
//! [`Buckets`], many append-only streams (one per hash range, one per LSH
//! band, one per slice of line keys) sharing one file, each read back whole
//! by the step that sweeps it. The files are unnamed (`tempfile`), so
//! they vanish with the process, however it ends.
//!
//! Reads are positioned (`pread`), so any number of threads read one file
//! at once; what was read recently stays in the page cache, which the
//! kernel can take back, and does not count as this process's memory.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use crate::neardup::shingle::Shingles;

/// Bytes a bucket buffers before its chunk is written: large enough that
/// reading a bucket back is a few long reads, small enough that a few
/// hundred buckets buffer a few MiB.
const CHUNK: usize = 64 << 10;

/// Many append-only byte streams in one temporary file.
pub(crate) struct Buckets {
    file: File,
    /// Where the next chunk goes.
    end: u64,
    buffers: Vec<Vec<u8>>,
    /// Each bucket's chunks in the file, in order: offset and length.
    chunks: Vec<Vec<(u64, u32)>>,
}

impl Buckets {
    pub(crate) fn new(buckets: usize) -> io::Result<Buckets> {
        Ok(Buckets {
            file: tempfile::tempfile()?,
            end: 0,
            buffers: vec![Vec::new(); buckets],
            chunks: vec![Vec::new(); buckets],
        })
    }

    /// Appends `bytes` to `bucket`.
    pub(crate) fn push(&mut self, bucket: usize, bytes: &[u8]) -> io::Result<()> {
        let buffer = &mut self.buffers[bucket];
        buffer.extend_from_slice(bytes);
        if buffer.len() >= CHUNK {
            self.write_out(bucket)?;
        }
        Ok(())
    }

    fn write_out(&mut self, bucket: usize) -> io::Result<()> {
        let buffer = &mut self.buffers[bucket];
        if buffer.is_empty() {
            return Ok(());
        }
        self.file.write_all(buffer)?;
        self.chunks[bucket].push((self.end, buffer.len() as u32));
        self.end += buffer.len() as u64;
        buffer.clear();
        Ok(())
    }

    /// Writes out what every bucket still buffers, and frees the buffers.
    pub(crate) fn seal(&mut self) -> io::Result<()> {
        for bucket in 0..self.buffers.len() {
            self.write_out(bucket)?;
        }
        self.buffers = Vec::new();
        Ok(())
    }

    /// Bytes appended to `bucket`, once [`Buckets::seal`]ed.
    pub(crate) fn len(&self, bucket: usize) -> usize {
        self.chunks[bucket]
            .iter()
            .map(|&(_, len)| len as usize)
            .sum()
    }

    /// Everything appended to `bucket`, once [`Buckets::seal`]ed.
    pub(crate) fn read(&self, bucket: usize) -> io::Result<Vec<u8>> {
        let chunks = &self.chunks[bucket];
        let mut bytes = vec![0; chunks.iter().map(|&(_, len)| len as usize).sum()];
        let mut at = 0;
        for &(offset, len) in chunks {
            read_at(&self.file, &mut bytes[at..at + len as usize], offset)?;
            at += len as usize;
        }
        Ok(bytes)
    }
}

/// Byte records, each read back by its number.
pub(crate) struct Records {
    writer: BufWriter<File>,
    /// Where each record starts; its length is the next start less this.
    starts: Vec<u64>,
}

impl Records {
    pub(crate) fn new() -> io::Result<Records> {
        Ok(Records {
            writer: BufWriter::with_capacity(CHUNK, tempfile::tempfile()?),
            starts: vec![0],
        })
    }

    /// Records stored so far.
    pub(crate) fn count(&self) -> usize {
        self.starts.len() - 1
    }

    /// Stores the next record.
    pub(crate) fn push(&mut self, record: &[u8]) -> io::Result<()> {
        self.writer.write_all(record)?;
        let end = self.starts.last().copied().unwrap_or(0) + record.len() as u64;
        self.starts.push(end);
        Ok(())
    }

    /// The records stored so far, for reading.
    pub(crate) fn seal(self) -> io::Result<SealedRecords> {
        Ok(SealedRecords {
            file: self.writer.into_inner().map_err(|e| e.into_error())?,
            starts: self.starts,
        })
    }
}

/// The records of a [`Records`], for reading.
pub(crate) struct SealedRecords {
    file: File,
    starts: Vec<u64>,
}

impl SealedRecords {
    pub(crate) fn count(&self) -> usize {
        self.starts.len() - 1
    }

    /// Bytes of record `i`.
    pub(crate) fn len(&self, i: usize) -> usize {
        (self.starts[i + 1] - self.starts[i]) as usize
    }

    /// Record `i` in `into` (a buffer, for its allocation).
    pub(crate) fn read(&self, i: usize, into: &mut Vec<u8>) -> io::Result<()> {
        into.resize(self.len(i), 0);
        read_at(&self.file, into, self.starts[i])
    }
}

impl std::fmt::Debug for SealedRecords {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SealedRecords({} records)", self.count())
    }
}

/// Shingle sets, each stored whole, read back by number.
pub(crate) struct SetFile(Records);

impl SetFile {
    pub(crate) fn new() -> io::Result<SetFile> {
        Ok(SetFile(Records::new()?))
    }

    /// Stores the next set.
    pub(crate) fn push(&mut self, set: &Shingles) -> io::Result<()> {
        let bytes: Vec<u8> = set
            .as_slice()
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        self.0.push(&bytes)
    }

    /// The sets stored so far, for reading.
    pub(crate) fn seal(self) -> io::Result<SealedSets> {
        Ok(SealedSets(self.0.seal()?))
    }
}

/// The sets of a [`SetFile`], for reading.
pub(crate) struct SealedSets(SealedRecords);

impl SealedSets {
    pub(crate) fn count(&self) -> usize {
        self.0.count()
    }

    /// Shingles of set `set`.
    pub(crate) fn size(&self, set: usize) -> usize {
        self.0.len(set) / 8
    }

    pub(crate) fn load(&self, set: usize) -> io::Result<Shingles> {
        let mut hashes = Vec::new();
        self.load_into(set, &mut hashes)?;
        Ok(Shingles::from_sorted(hashes))
    }

    /// Set `set`'s hashes in `into`, through this thread's byte buffer.
    pub(crate) fn load_into(&self, set: usize, into: &mut Vec<u64>) -> io::Result<()> {
        thread_local! {
            static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BYTES.with_borrow_mut(|bytes| {
            self.0.read(set, bytes)?;
            into.clear();
            into.extend(u64s(bytes));
            Ok(())
        })
    }
}

/// The next little-endian `u32` of `bytes`, consumed; `None` at the end.
pub(crate) fn take_u32(bytes: &mut &[u8]) -> Option<u32> {
    let (word, rest) = bytes.split_first_chunk::<4>()?;
    *bytes = rest;
    Some(u32::from_le_bytes(*word))
}

/// The next little-endian `u64` of `bytes`, consumed; `None` at the end.
pub(crate) fn take_u64(bytes: &mut &[u8]) -> Option<u64> {
    let (word, rest) = bytes.split_first_chunk::<8>()?;
    *bytes = rest;
    Some(u64::from_le_bytes(*word))
}

/// The little-endian `u64`s of `bytes` (a multiple of 8 long).
pub(crate) fn u64s(bytes: &[u8]) -> impl Iterator<Item = u64> + '_ {
    bytes
        .chunks_exact(8)
        .map(|b| u64::from_le_bytes(b.try_into().expect("8 bytes")))
}

/// The little-endian `u32`s of `bytes` (a multiple of 4 long).
pub(crate) fn u32s(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")))
}

#[cfg(unix)]
fn read_at(file: &File, bytes: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, offset)
}

#[cfg(windows)]
fn read_at(file: &File, mut bytes: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !bytes.is_empty() {
        match file.seek_read(bytes, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                bytes = &mut bytes[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_give_back_what_each_was_given_in_order() {
        let mut buckets = Buckets::new(3).unwrap();
        let mut want = vec![Vec::new(); 3];
        for i in 0..50_000u32 {
            let bucket = (i % 7 % 3) as usize;
            buckets.push(bucket, &i.to_le_bytes()).unwrap();
            want[bucket].extend_from_slice(&i.to_le_bytes());
        }
        buckets.seal().unwrap();
        for (bucket, want) in want.iter().enumerate() {
            assert_eq!(&buckets.read(bucket).unwrap(), want);
        }
    }

    #[test]
    fn sets_are_read_back_by_number() {
        let sets: Vec<Shingles> = vec![
            (0..1000).collect(),
            Shingles::default(),
            [u64::MAX, 7].into_iter().collect(),
        ];
        let mut file = SetFile::new().unwrap();
        sets.iter().for_each(|s| file.push(s).unwrap());
        let sealed = file.seal().unwrap();
        assert_eq!(sealed.count(), 3);
        for (i, set) in sets.iter().enumerate() {
            assert_eq!(sealed.size(i), set.len());
            assert_eq!(&sealed.load(i).unwrap(), set);
        }
    }
}
