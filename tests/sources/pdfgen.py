"""A minimal PDF writer for tests: text lines (Helvetica) and URI link annotations."""

from __future__ import annotations


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(lines: list[str], links: list[str] = (), title: str | None = None) -> bytes:  # type: ignore[assignment]
    """One page showing `lines` top to bottom, with one link annotation per URL in `links`."""
    ops = ["BT", "/F1 10 Tf", "12 TL", "50 780 Td"]
    for line in lines:
        ops.append(f"({_escape(line)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    annots = [
        f"<< /Type /Annot /Subtype /Link /Rect [50 {700 - 20 * i} 300 {712 - 20 * i}] "
        f"/Border [0 0 0] /A << /S /URI /URI ({_escape(url)}) >> >>"
        for i, url in enumerate(links)
    ]
    first_annot = 6
    info = 6 + len(annots)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R"
        " >> >> /Contents 5 0 R"
        + (
            " /Annots [" + " ".join(f"{first_annot + i} 0 R" for i in range(len(annots))) + "]"
            if annots
            else ""
        )
        + " >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        None,
        *annots,
    ]
    if title is not None:
        objects.append(f"<< /Title ({_escape(title)}) >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        if body is None:
            out += f"{number} 0 obj\n<< /Length {len(stream)} >>\nstream\n".encode()
            out += stream + b"\nendstream\nendobj\n"
        else:
            out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R"
    if title is not None:
        trailer += f" /Info {info} 0 R"
    out += f"trailer\n{trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
