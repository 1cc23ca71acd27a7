//! Compressed inputs: gzip and zstd files and streams, known by their magic
//! bytes (so `corpus.jsonl.gz`, a gzipped file without the extension and
//! `zcat`-less stdin all work), decoded as they are read. What is inside is
//! judged by the name without the compression extension: `corpus.jsonl.gz`
//! is a JSONL corpus, `story.txt.zst` one article.
//!
//! gzip is decoded by flate2's pure-Rust backend (miniz_oxide), zstd by
//! ruzstd, a pure-Rust decoder: no C library to build or link.

use std::io::{self, BufRead, Read};
use std::path::Path;

use ruzstd::FrameDecoder;

use super::{html, is_jsonl, text, Corpus, ReadOptions};
use crate::article::Location;
use crate::error::Problem;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Codec {
    Gzip,
    Zstd,
}

impl Codec {
    /// The codec whose magic number starts `head`, if any.
    pub(super) fn sniff(head: &[u8]) -> Option<Codec> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Codec::Gzip)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Codec::Zstd)
        } else {
            None
        }
    }

    /// A reader of the decoded bytes of `reader`.
    pub(super) fn decode<'a>(self, reader: impl BufRead + 'a) -> Box<dyn BufRead + 'a> {
        match self {
            // Multi-member, as `cat a.gz b.gz` and bgzip write them.
            Codec::Gzip => Box::new(io::BufReader::new(flate2::bufread::MultiGzDecoder::new(
                reader,
            ))),
            Codec::Zstd => Box::new(io::BufReader::new(ZstdFrames::new(reader))),
        }
    }
}

/// `reader` decoded when its first bytes are a gzip or zstd magic number,
/// as it is otherwise.
pub(super) fn sniffed<'a>(mut reader: impl BufRead + 'a) -> io::Result<Box<dyn BufRead + 'a>> {
    let codec = Codec::sniff(reader.fill_buf()?);
    Ok(match codec {
        Some(codec) => codec.decode(reader),
        None => Box::new(reader),
    })
}

/// Reads the compressed file at `path` (opened as `file`) as what its name
/// says is inside. A JSONL corpus's lines are a stream that cannot be read
/// again; a text file or page is one article, as if decompressed first.
pub(super) fn read(
    path: &Path,
    file: impl BufRead,
    codec: Codec,
    options: &ReadOptions,
    corpus: &mut Corpus,
) {
    let name = super::path_name(path);
    let mut reader = codec.decode(file);
    let inner = inner_name(path);
    if is_jsonl(inner) {
        return super::read_stream(reader, &name, false, options, corpus);
    }
    let input = corpus.sources.push_read();
    match load(&mut reader, options.max_bytes) {
        Ok(bytes) => {
            let location = Location {
                input,
                offset: 0,
                len: bytes.len() as u64,
            };
            if html::is_html(inner) {
                html::push(&name, bytes, location, corpus);
            } else if let Some(text) = text::decode(bytes, &name, corpus) {
                corpus.articles.push(text::article(&name, text, location));
            }
        }
        Err(problem) => corpus.error(name, problem),
    }
}

/// The decoded bytes, at most `limit` of them; past that, the size of the
/// whole is counted (not kept) for the message.
fn load(reader: &mut dyn BufRead, limit: u64) -> Result<Vec<u8>, Problem> {
    let unreadable = |e: io::Error| Problem::Unreadable(e.to_string());
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        let rest = io::copy(reader, &mut io::sink()).map_err(unreadable)?;
        return Err(Problem::TooLarge {
            size: bytes.len() as u64 + rest,
            limit,
        });
    }
    Ok(bytes)
}

/// `path` without a compression extension: what kind of input is inside.
pub(super) fn inner_name(path: &Path) -> &Path {
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz" | "gzip" | "zst" | "zstd") => Path::new(path.file_stem().unwrap_or_default()),
        _ => path,
    }
}

/// Every zstd frame of a stream in turn (`cat a.zst b.zst` is one stream of
/// two frames; ruzstd's `StreamingDecoder` reads one).
struct ZstdFrames<R> {
    source: R,
    frame: FrameDecoder,
    started: bool,
}

impl<R: BufRead> ZstdFrames<R> {
    fn new(source: R) -> Self {
        ZstdFrames {
            source,
            frame: FrameDecoder::new(),
            started: false,
        }
    }
}

fn corrupt(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("zstd: {e}"))
}

impl<R: BufRead> Read for ZstdFrames<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.started && self.frame.can_collect() > 0 {
                return self.frame.read(buf);
            }
            if !self.started || self.frame.is_finished() {
                if self.source.fill_buf()?.is_empty() {
                    return Ok(0);
                }
                self.frame.reset(&mut self.source).map_err(corrupt)?;
                self.started = true;
                continue;
            }
            self.frame
                .decode_blocks(
                    &mut self.source,
                    ruzstd::BlockDecodingStrategy::UptoBytes(buf.len().max(1 << 16)),
                )
                .map_err(corrupt)?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn read_all(mut reader: impl Read) -> io::Result<String> {
        let mut out = String::new();
        reader.read_to_string(&mut out)?;
        Ok(out)
    }

    #[test]
    fn gzip_is_known_by_its_magic_and_members_are_concatenated() {
        let stream = [gzip(b"first\n"), gzip(b"second\n")].concat();
        assert_eq!(Codec::sniff(&stream), Some(Codec::Gzip));
        assert_eq!(
            read_all(sniffed(&stream[..]).unwrap()).unwrap(),
            "first\nsecond\n"
        );
    }

    #[test]
    fn plain_text_passes_through() {
        assert_eq!(Codec::sniff(b"{\"id\":1}"), None);
        assert_eq!(read_all(sniffed(&b"plain"[..]).unwrap()).unwrap(), "plain");
        assert_eq!(read_all(sniffed(&b""[..]).unwrap()).unwrap(), "");
    }

    #[test]
    fn zstd_frames_are_decoded_in_turn() {
        // `printf 'hello zstd\n' | zstd -c`, written twice: two frames.
        let frame: &[u8] = &[
            0x28, 0xb5, 0x2f, 0xfd, 0x04, 0x58, 0x59, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
            0x20, 0x7a, 0x73, 0x74, 0x64, 0x0a, 0x6c, 0x57, 0xf9, 0x51,
        ];
        let stream = [frame, frame].concat();
        assert_eq!(Codec::sniff(&stream), Some(Codec::Zstd));
        assert_eq!(
            read_all(sniffed(&stream[..]).unwrap()).unwrap(),
            "hello zstd\nhello zstd\n"
        );
    }

    #[test]
    fn corrupt_zstd_is_an_error_not_a_panic() {
        let stream = [0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff, 0xff, 0x00];
        assert!(read_all(sniffed(&stream[..]).unwrap()).is_err());
    }

    #[test]
    fn the_inner_name_drops_the_compression_extension() {
        assert_eq!(
            inner_name(Path::new("d/corpus.jsonl.gz")),
            Path::new("corpus.jsonl")
        );
        assert_eq!(inner_name(Path::new("a.txt.zst")), Path::new("a.txt"));
        assert_eq!(inner_name(Path::new("a.txt")), Path::new("a.txt"));
    }
}
