"""``sabio data upload|ls|download``."""

from __future__ import annotations

from pathlib import Path

import typer

from sabio.session import Session

__all__ = ["app"]

app = typer.Typer(help="Data in the store: upload, list, download.", no_args_is_help=True)


@app.command("upload")
def upload(
    path: Path,
    key_prefix: str = typer.Option("data", "--key-prefix", help="Key prefix in the bucket."),
    bucket: str | None = typer.Option(None, help="Bucket (default: the default bucket)."),
) -> None:
    """Upload a file or folder; prints its s3:// URI."""
    typer.echo(Session().upload_data(path, bucket=bucket, key_prefix=key_prefix))


@app.command("ls")
def ls(uri: str = typer.Argument(None, help="s3://bucket/prefix (default: list buckets)")) -> None:
    """List objects under a URI (or the buckets)."""
    store = Session().store
    for item in store.list_buckets() if not uri else store.list(uri):
        typer.echo(item)


@app.command("download")
def download(uri: str, dest: Path = typer.Argument(Path("."))) -> None:
    """Download an object or prefix into a folder."""
    for path in Session().store.download(uri, dest):
        typer.echo(str(path))
