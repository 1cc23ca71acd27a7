//! The index file: one redb database (ACID, one file, pure Rust), its
//! tables, and the records stored in them.
//!
//! Tables:
//! - `meta`: the format tag, the [`IndexParams`], counters;
//! - `docs`: per article number, its [`StoredDoc`] (id, title, source, day,
//!   set size, event);
//! - `ids`: article id → number, so a rerun skips what is stored;
//! - `texts`: per article, its compared (cleaned) text, compressed: exact
//!   verification re-shingles it, `explain` shows passages from it;
//! - `features`: per article, its event features (see `events.rs`);
//! - `segments`, `postings`: see `segment.rs`;
//! - `events`, `event_keys`, `event_members`, `member_of`, `event_df`: see
//!   `events.rs`.
//!
//! Every commit is one batch: an interrupted add leaves the last committed
//! batch, which every command can read ([`open_reader`] recovers the file
//! first). Writers and readers open the file in redb's single-writer mode,
//! so a query may run while an add writes; it sees the batches committed
//! when it began.

use std::io::Read;
use std::path::Path;

use redb::{
    Builder, ConcurrencyMode, Database, ReadOnlyDatabase, ReadTransaction, ReadableDatabase,
    ReadableTable, TableDefinition, WriteTransaction,
};

use super::codec::{put_day, put_opt_str, put_str, put_varint, Bytes, Corrupt};
use super::params::IndexParams;
use super::segment::SegmentInfo;
use super::IndexError;
use crate::events::dates::Day;
use crate::id::Id;

pub const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
pub const DOCS: TableDefinition<u32, &[u8]> = TableDefinition::new("docs");
pub const IDS: TableDefinition<&str, u32> = TableDefinition::new("ids");
pub const TEXTS: TableDefinition<u32, &[u8]> = TableDefinition::new("texts");
pub const FEATURES: TableDefinition<u32, &[u8]> = TableDefinition::new("features");
pub const SEGMENTS: TableDefinition<u32, &[u8]> = TableDefinition::new("segments");
pub const POSTINGS: TableDefinition<(u32, u32), &[u8]> = TableDefinition::new("postings");

/// The `meta` value that marks a file as a dedup index, and its layout.
/// 2: events are stored as centroids with their members (`events.rs`).
/// 3: and the dated cores of events, and the undated nodes, which float.
/// 4: postings are grouped, a value for several blocks (`segment.rs`).
pub const FORMAT: &[u8] = b"dedup-index/4";

/// The layout before [`FORMAT`], still read: it differs only by segments
/// of a postings value a block, which their info marks. A writer retags
/// the file, as the segments it adds are grouped.
const READ_TOO: &[u8] = b"dedup-index/3";

/// What every format tag starts with: a file tagged so with another
/// version is an index of another layout, not a stranger.
const FORMAT_FAMILY: &[u8] = b"dedup-index/";

/// The first bytes of every redb file: anything else is not ours, and is
/// refused before redb reads (or repairs) it.
const REDB_MAGIC: [u8; 9] = [b'r', b'e', b'd', b'b', 0x1A, 0x0A, 0xA9, 0x0D, 0x0A];

/// One stored article.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDoc {
    pub id: Id,
    pub title: Option<String>,
    pub source: Option<String>,
    pub day: Option<Day>,
    /// Shingles in its set.
    pub shingles: u32,
    pub event: Option<u32>,
}

impl StoredDoc {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.id.len() + 40);
        out.push(u8::from(self.id.is_number()));
        put_str(&mut out, &self.id);
        put_opt_str(&mut out, self.title.as_deref());
        put_opt_str(&mut out, self.source.as_deref());
        put_day(&mut out, self.day);
        put_varint(&mut out, u64::from(self.shingles));
        put_varint(&mut out, self.event.map_or(0, |e| u64::from(e) + 1));
        out
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, Corrupt> {
        let (&number, rest) = bytes.split_first().ok_or(Corrupt)?;
        let mut b = Bytes::new(rest);
        let text = b.str()?.to_string();
        Ok(StoredDoc {
            id: match number {
                0 => Id::from(text),
                1 => Id::number(text),
                _ => return Err(Corrupt),
            },
            title: b.opt_str()?.map(str::to_string),
            source: b.opt_str()?.map(str::to_string),
            day: b.day()?,
            shingles: b.u32()?,
            event: match b.u32()? {
                0 => None,
                e => Some(e - 1),
            },
        })
    }
}

/// The first bytes of a zstd frame. A raw deflate stream, which indexes
/// written before held, cannot start so: its first byte would open a
/// stored block with padding bits set, which no deflater writes.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// The longest text a stored frame may claim to hold: a corrupt header
/// must not ask for more memory than any article needs.
const LONGEST_TEXT: u64 = 1 << 30;

/// A text as the index stores it: a zstd frame, level 1. Deflate, used
/// before, cleared its tables (some 300 KiB) for every text of a few KiB,
/// which was half its cost (callgrind: 53% of deflating's instructions),
/// and deflating was a fifth of an add. On 30,000 kit articles zstd level
/// 1 took 0.6 s against 1.7 s for deflate level 1 with its state reused,
/// for 5% fewer bytes, and reads back 3.5 times as fast.
pub fn compress(text: &str) -> Vec<u8> {
    thread_local! {
        static ZSTD: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    ZSTD.with_borrow_mut(|zstd| {
        let zstd = match zstd {
            Some(zstd) => zstd,
            None => zstd.insert(zstd::bulk::Compressor::new(1).expect("a zstd context")),
        };
        zstd.compress(text.as_bytes())
            .expect("compressing from memory to memory")
    })
}

/// A text [`compress`] stored, or a raw deflate stream of one (indexes
/// written before zstd).
pub fn decompress(bytes: &[u8]) -> Result<String, Corrupt> {
    if !bytes.starts_with(&ZSTD_MAGIC) {
        let mut text = String::new();
        flate2::read::DeflateDecoder::new(bytes)
            .read_to_string(&mut text)
            .map_err(|_| Corrupt)?;
        return Ok(text);
    }
    thread_local! {
        static ZSTD: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    let len = match zstd::zstd_safe::get_frame_content_size(bytes) {
        Ok(Some(len)) if len <= LONGEST_TEXT => len as usize,
        _ => return Err(Corrupt),
    };
    let bytes = ZSTD.with_borrow_mut(|zstd| {
        let zstd = match zstd {
            Some(zstd) => zstd,
            None => zstd.insert(zstd::bulk::Decompressor::new().map_err(|_| Corrupt)?),
        };
        zstd.decompress(bytes, len).map_err(|_| Corrupt)
    })?;
    String::from_utf8(bytes).map_err(|_| Corrupt)
}

/// The open file: a writer (`index add`, `expire`, `compact`) or a reader.
pub enum Db {
    Writer(Database),
    Reader(ReadOnlyDatabase),
}

impl Db {
    pub fn begin_read(&self) -> Result<ReadTransaction, IndexError> {
        match self {
            Db::Writer(db) => db.begin_read(),
            Db::Reader(db) => db.begin_read(),
        }
        .map_err(store_error)
    }

    pub fn begin_write(&self) -> Result<WriteTransaction, IndexError> {
        match self {
            Db::Writer(db) => db.begin_write().map_err(store_error),
            Db::Reader(_) => Err(IndexError::ReadOnly),
        }
    }

    pub fn compact(&mut self) -> Result<(), IndexError> {
        match self {
            Db::Writer(db) => db.compact().map(|_| ()).map_err(store_error),
            Db::Reader(_) => Err(IndexError::ReadOnly),
        }
    }
}

const TRUNCATED: &str = "the file ends before its data does: truncated?";

pub fn store_error(err: impl Into<redb::Error>) -> IndexError {
    match err.into() {
        redb::Error::Corrupted(why) => IndexError::Damaged(why),
        redb::Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            IndexError::Damaged(TRUNCATED.into())
        }
        redb::Error::Io(e) => IndexError::Io(e),
        redb::Error::DatabaseAlreadyOpen => IndexError::Busy,
        redb::Error::RepairAborted => IndexError::NeedsRecovery,
        other => IndexError::Store(other.to_string()),
    }
}

/// redb's page cache. Its default, 1 GiB, was a quarter of a 100k add's
/// peak; the file's pages stay in the system's cache whatever this holds.
const CACHE_BYTES: usize = 256 << 20;

fn builder() -> Builder {
    let mut builder = Builder::new();
    builder.set_concurrency_mode(ConcurrencyMode::SingleWriter);
    builder.set_cache_size(CACHE_BYTES);
    builder
}

/// Refuses a file that is not a redb database, without letting redb near it.
fn check_magic(path: &Path) -> Result<(), IndexError> {
    let mut head = [0u8; REDB_MAGIC.len()];
    let mut file = std::fs::File::open(path).map_err(IndexError::Io)?;
    match file.read_exact(&mut head) {
        Ok(()) if head == REDB_MAGIC => Ok(()),
        _ => Err(IndexError::NotAnIndex),
    }
}

/// Reads and checks the stored parameters.
fn stored_params(db: &Db) -> Result<IndexParams, IndexError> {
    let txn = db.begin_read()?;
    let meta = match txn.open_table(META) {
        Ok(meta) => meta,
        Err(redb::TableError::TableDoesNotExist(_)) => return Err(IndexError::NotAnIndex),
        Err(e) => return Err(store_error(e)),
    };
    let format = meta.get("format").map_err(store_error)?;
    match format.as_ref().map(|v| v.value()) {
        Some(FORMAT | READ_TOO) => {}
        Some(other) if other.starts_with(FORMAT_FAMILY) => {
            return Err(IndexError::OtherFormat(
                String::from_utf8_lossy(other).into_owned(),
            ))
        }
        _ => return Err(IndexError::NotAnIndex),
    }
    let params = meta
        .get("params")
        .map_err(store_error)?
        .ok_or(IndexError::Damaged("no parameters".into()))?;
    serde_json::from_slice(params.value())
        .map_err(|e| IndexError::Damaged(format!("parameters: {e}")))
}

/// Opens an existing index for reading. The file's data is never changed;
/// after an add that was killed, redb's bookkeeping is recovered first
/// ([`recover`]), so that readers see the last committed batch.
pub fn open_reader(path: &Path) -> Result<(Db, IndexParams), IndexError> {
    if !path.exists() {
        return Err(IndexError::Missing);
    }
    check_magic(path)?;
    let db = match builder().open_read_only(path) {
        Err(redb::DatabaseError::RepairAborted) => {
            recover(path)?;
            builder().open_read_only(path)
        }
        opened => opened,
    };
    let db = Db::Reader(db.map_err(open_error)?);
    let params = stored_params(&db)?;
    Ok((db, params))
}

/// Recovers an index an add left unclean (killed, or the machine lost
/// power): redb opens such a file read-only only once a writer has rebuilt
/// its free-space bookkeeping, which rolls back to the last committed batch
/// and changes no committed data. Any reader does it, so an interrupted add
/// never blocks `query`, `index stats` or `explain --index`; the next add
/// would do the same. A writer that opened it meanwhile has recovered it
/// already. Without write permission it cannot be done: the caller is told
/// so.
fn recover(path: &Path) -> Result<(), IndexError> {
    match builder().open(path) {
        Ok(db) => db.close().map_err(store_error),
        Err(redb::DatabaseError::DatabaseAlreadyOpen) => Ok(()),
        Err(redb::DatabaseError::Storage(redb::StorageError::Io(io)))
            if io.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            Err(IndexError::NeedsRecovery)
        }
        Err(e) => Err(store_error(e)),
    }
}

/// Opens an index for writing, creating it with `asked` when the file does
/// not exist (or is empty); an existing one must agree with `asked` on every
/// flag `given` names.
pub fn open_writer(
    path: &Path,
    asked: &IndexParams,
    given: &dyn Fn(&str) -> bool,
) -> Result<(Db, IndexParams), IndexError> {
    let fresh = std::fs::metadata(path).map_or(true, |m| m.len() == 0);
    if fresh {
        let db = builder().create(path).map_err(open_error)?;
        let txn = db.begin_write().map_err(store_error)?;
        {
            let mut meta = txn.open_table(META).map_err(store_error)?;
            let params = serde_json::to_vec(asked).expect("parameters serialise");
            meta.insert("format", FORMAT).map_err(store_error)?;
            meta.insert("params", params.as_slice())
                .map_err(store_error)?;
            for table in [DOCS, TEXTS, FEATURES, SEGMENTS] {
                txn.open_table(table).map_err(store_error)?;
            }
            txn.open_table(IDS).map_err(store_error)?;
            txn.open_table(POSTINGS).map_err(store_error)?;
            super::events::create_tables(&txn)?;
        }
        txn.commit().map_err(store_error)?;
        return Ok((Db::Writer(db), asked.clone()));
    }
    check_magic(path)?;
    // Write permission is asked of the file's mode, not only of the open
    // call, so that an index marked read-only stays so even for root.
    if std::fs::metadata(path)
        .map_err(IndexError::Io)?
        .permissions()
        .readonly()
    {
        return Err(IndexError::ReadOnly);
    }
    // A read-only look first: it refuses a damaged file without repairing
    // it, and an index with other settings before anything is written.
    let params = {
        let reader = builder().open_read_only(path);
        match reader {
            Ok(db) => stored_params(&Db::Reader(db))?,
            // An add that was killed leaves the file needing recovery: only
            // a writer may recover it, and it checks the parameters after.
            Err(redb::DatabaseError::RepairAborted) => asked.clone(),
            Err(e) => return Err(open_error(e)),
        }
    };
    if let Some(m) = params.mismatch(asked, given) {
        return Err(IndexError::Mismatch(m));
    }
    let db = builder().open(path).map_err(|e| match e {
        redb::DatabaseError::Storage(redb::StorageError::Io(io))
            if io.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            IndexError::ReadOnly
        }
        e => open_error(e),
    })?;
    let db = Db::Writer(db);
    let params = stored_params(&db)?;
    if let Some(m) = params.mismatch(asked, given) {
        return Err(IndexError::Mismatch(m));
    }
    retag(&db)?;
    Ok((db, params))
}

/// Tags a file of the layout before as [`FORMAT`] before anything is
/// written to it: a dedup that reads only the layout before then refuses
/// it by name rather than finding grouped segments damaged.
fn retag(db: &Db) -> Result<(), IndexError> {
    let txn = db.begin_write()?;
    {
        let mut meta = txn.open_table(META).map_err(store_error)?;
        let tag = meta.get("format").map_err(store_error)?;
        if tag.is_some_and(|tag| tag.value() == FORMAT) {
            drop(meta);
            return txn.abort().map_err(store_error);
        }
        meta.insert("format", FORMAT).map_err(store_error)?;
    }
    txn.commit().map_err(store_error)
}

fn open_error(err: redb::DatabaseError) -> IndexError {
    match err {
        redb::DatabaseError::Storage(redb::StorageError::Io(io))
            if io.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            IndexError::ReadOnly
        }
        e => store_error(e),
    }
}

/// Reads a `meta` counter (0 when unset).
pub fn counter(txn: &WriteTransaction, name: &str) -> Result<u32, IndexError> {
    counter_in(&txn.open_table(META).map_err(store_error)?, name)
}

/// A counter of the `meta` table, read by a writer or a reader: 0 until set.
pub fn counter_in(
    meta: &impl ReadableTable<&'static str, &'static [u8]>,
    name: &str,
) -> Result<u32, IndexError> {
    match meta.get(name).map_err(store_error)? {
        None => Ok(0),
        Some(v) => Bytes::new(v.value())
            .u32()
            .map_err(|_| damaged("meta", name)),
    }
}

pub fn set_counter(txn: &WriteTransaction, name: &str, value: u32) -> Result<(), IndexError> {
    let mut meta = txn.open_table(META).map_err(store_error)?;
    let mut bytes = Vec::new();
    put_varint(&mut bytes, u64::from(value));
    meta.insert(name, bytes.as_slice()).map_err(store_error)?;
    Ok(())
}

/// Every segment's info, by id, from the `segments` table.
pub fn read_segments(
    table: &impl ReadableTable<u32, &'static [u8]>,
) -> Result<Vec<(u32, SegmentInfo)>, IndexError> {
    table
        .iter()
        .map_err(store_error)?
        .map(|entry| {
            let (id, value) = entry.map_err(store_error)?;
            let info =
                SegmentInfo::decode(value.value()).map_err(|_| damaged("segments", id.value()))?;
            Ok((id.value(), info))
        })
        .collect()
}

/// A damaged value in `table` for `key`.
pub fn damaged(table: &str, key: impl std::fmt::Display) -> IndexError {
    IndexError::Damaged(format!("{table} entry {key} does not decode"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_docs_and_texts_read_back() {
        let doc = StoredDoc {
            id: "a/b.txt".into(),
            title: Some("Title".into()),
            source: None,
            day: Some(19_500),
            shingles: 612,
            event: Some(0),
        };
        assert_eq!(StoredDoc::decode(&doc.encode()), Ok(doc));
        let text = "some text ".repeat(50);
        assert_eq!(decompress(&compress(&text)).unwrap(), text);
        assert_eq!(decompress(&compress("")).unwrap(), "");
        // Text that does not compress, then the thread's context starts the
        // next text afresh.
        let noise: String = (0..40_000u32)
            .map(|i| char::from_u32(0x4e00 + (i.wrapping_mul(2_654_435_761) >> 20)).unwrap())
            .collect();
        assert_eq!(decompress(&compress(&noise)).unwrap(), noise);
        assert_eq!(decompress(&compress(&text)).unwrap(), text);
        assert!(decompress(b"not compressed at all").is_err());
        let mut cut = compress(&noise);
        cut.truncate(cut.len() / 2);
        assert!(decompress(&cut).is_err());
        // What indexes written before zstd hold: a raw deflate stream.
        let mut old = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut old, text.as_bytes()).unwrap();
        assert_eq!(decompress(&old.finish().unwrap()).unwrap(), text);
    }

    #[test]
    fn an_index_in_another_format_is_refused_by_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.idx");
        let params = super::super::params::tests::params();
        drop(open_writer(&path, &params, &|_| false).unwrap());
        let db = builder().open(&path).unwrap();
        let txn = db.begin_write().unwrap();
        txn.open_table(META)
            .unwrap()
            .insert("format", b"dedup-index/1".as_slice())
            .unwrap();
        txn.commit().unwrap();
        drop(db);
        let err = open_reader(&path).err().unwrap();
        assert!(matches!(&err, IndexError::OtherFormat(f) if f == "dedup-index/1"));
        assert!(err.to_string().contains("build a new index"), "{err}");
    }
}
