//! `cos select`: SELECT Object Content, records streamed to stdout.

use cos_core::select::SelectEvent;
use cos_core::xml::select::{
    CompressionType, CsvInput, CsvOutput, FileHeaderInfo, InputSerialization, JsonOutput, JsonType,
    OutputSerialization,
};
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use super::{Ctx, read_options_with};
use crate::cli::{Compression, CsvHeader, JsonKind, SelectArgs, SelectFormat};
use crate::error::CliError;
use crate::location::CosPath;

/// The `<InputSerialization>` the flags ask for.
fn input(a: &SelectArgs) -> InputSerialization {
    let i = match a.input {
        SelectFormat::Csv => InputSerialization::csv(CsvInput {
            file_header_info: Some(match a.csv_header {
                CsvHeader::Use => FileHeaderInfo::Use,
                CsvHeader::Ignore => FileHeaderInfo::Ignore,
                CsvHeader::None => FileHeaderInfo::None,
            }),
            ..CsvInput::default()
        }),
        SelectFormat::Json => InputSerialization::json(match a.json_type {
            JsonKind::Lines => JsonType::Lines,
            JsonKind::Document => JsonType::Document,
        }),
    };
    i.compression(match a.compression {
        Compression::None => CompressionType::None,
        Compression::Gzip => CompressionType::Gzip,
        Compression::Bzip2 => CompressionType::Bzip2,
    })
}

pub(super) async fn select(ctx: &Ctx, a: SelectArgs) -> Result<(), CliError> {
    let path = CosPath::parse(&a.target)?;
    let key = path.object_key()?;
    if a.sql.trim().is_empty() {
        return Err(CliError::Usage("--sql must not be empty".into()));
    }
    let output = match a.output.unwrap_or(a.input) {
        SelectFormat::Csv => OutputSerialization::csv(CsvOutput::default()),
        SelectFormat::Json => OutputSerialization::json(JsonOutput::default()),
    };
    let fail = |e: &cos_core::Error| CliError::op(format!("select on {path}"), e);
    let mut op = ctx
        .client
        .select_object_content(&path.bucket, &key)
        .expression(a.sql.clone())
        .input(input(&a))
        .output(output);
    // The SSE-C headers of a read (the Python SDK's select_object_content passes any
    // header through its kwargs).
    let read = read_options_with(a.sse_c_key_file.as_deref())?;
    let (headers, _) = read
        .parts()
        .map_err(|e| CliError::Usage(format!("--sse-c-key-file: {e}")))?;
    for (name, value) in headers {
        op = op.header(name, value);
    }
    let mut events = op.send().await.map_err(|e| fail(&e))?;
    let mut stdout = tokio::io::stdout();
    // Each Records chunk is written and flushed as it arrives; an error event of the
    // query (bad SQL, bad data) ends the command with its COS code.
    while let Some(ev) = events.next().await {
        let SelectEvent::Records(b) = ev.map_err(|e| fail(&e))? else {
            continue;
        };
        let written = async {
            stdout.write_all(&b).await?;
            stdout.flush().await
        }
        .await;
        match written {
            Ok(()) => {}
            // `cos select … | head`: the reader went away; nothing more to do.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => return Ok(()),
            Err(e) => return Err(CliError::Failed(format!("writing to stdout: {e}"))),
        }
    }
    Ok(())
}
