"""HTML to PDF with WeasyPrint: the same templates as the printable pages, CJK text set in
Noto Sans CJK (Debian's fonts-noto-cjk), which WeasyPrint finds through fontconfig."""


def html_to_pdf(html: str, *, base_url: str = "") -> bytes:
    from weasyprint import HTML  # imported on use: it loads pango, which the web pages never need

    return HTML(string=html, base_url=base_url).write_pdf()
