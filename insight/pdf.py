"""HTML to PDF with WeasyPrint: the same templates as the printable pages, CJK text set in
Noto Sans CJK (Debian's fonts-noto-cjk), which WeasyPrint finds through fontconfig."""


def html_to_pdf(html: str, *, base_url: str = "") -> bytes:
    # Imported on use: WeasyPrint loads pango, which the web pages never need.
    from weasyprint import HTML  # noqa: PLC0415

    return HTML(string=html, base_url=base_url).write_pdf()
