#!/usr/bin/python3
"""Generate the small .xlsx fixtures of tests/unit/test_xlsx.c and the hs-correlation tests.

Run once (Debian python3-openpyxl 3.0, only for this script; never a dependency of cambium):
    /usr/bin/python3 tests/data/xlsx/make_fixtures.py tests/data/xlsx
The outputs are committed; zip time stamps are fixed so that a re-run gives the same bytes.
"""
import datetime
import io
import os
import sys
import zipfile

import openpyxl

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))


def fixed_zip(data, path, replace=None, add=None):
    """Rewrite an openpyxl zip with fixed dates, replacing some parts and adding others."""
    replace = replace or {}
    add = add or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = [(i.filename, replace.get(i.filename, src.read(i.filename))) for i in src.infolist()]
    parts += sorted(add.items())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, body in parts:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, body)


def save(wb):
    wb.properties.created = datetime.datetime(2020, 1, 1)
    wb.properties.modified = datetime.datetime(2020, 1, 1)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# 1. tiny.xlsx: sheet "Codes" (shared strings, numbers, booleans, gaps) and sheet "Inline"
#    (inline strings, a rich-text shared string with a phonetic run, cells without
#    references, an error value, a formula result). openpyxl writes strings inline, so both
#    sheets and the shared-string part are written by hand into openpyxl's package.
wb = openpyxl.Workbook()
wb.active.title = "Codes"
wb.create_sheet("Inline")
data = save(wb)
z = zipfile.ZipFile(io.BytesIO(data))
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
strings = ["code", "label", "value", "flag", "010121", "Horses &amp; asses &lt;pure&gt;", "010129",
           "999999"]
sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="%s">' % NS
       + "".join("<si><t>%s</t></si>" % t for t in strings)
       + '<si><r><t>Rich </t></r><r><t>text</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si>'
       + "</sst>")
RICH = len(strings)
codes = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="%s"><sheetData>'
         '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
         '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>'
         '<row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2" t="s"><v>5</v></c>'
         '<c r="C2"><v>2.5</v></c><c r="D2" t="b"><v>1</v></c></row>'
         '<row r="3"><c r="A3" t="s"><v>6</v></c><c r="B3" s="0"/><c r="C3"><v>1E-3</v></c>'
         '<c r="D3" t="b"><v>0</v></c></row>'
         '<row r="5"><c r="A5" t="s"><v>7</v></c><c r="E5"><v>42</v></c></row>'
         '</sheetData></worksheet>' % NS)
inline = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="%s"><sheetData>'
          '<row r="1"><c r="A1" t="inlineStr"><is><t>from</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t xml:space="preserve"> to </t></is></c></row>'
          '<row r="2"><c t="inlineStr"><is><t>a</t></is></c><c><v>7</v></c>'
          '<c t="s"><v>%d</v></c></row>'
          '<row r="3"><c r="C3" t="e"><v>#N/A</v></c><c r="D3" t="str"><f>A1</f><v>from</v></c></row>'
          '<row r="4"></row>'
          '</sheetData></worksheet>' % (NS, RICH))
rels = z.read("xl/_rels/workbook.xml.rels").decode().replace(
    "</Relationships>",
    '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml" Id="rId99"/></Relationships>')
ctypes = z.read("[Content_Types].xml").decode().replace(
    "</Types>",
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
fixed_zip(data, os.path.join(out, "tiny.xlsx"),
          {"xl/worksheets/sheet1.xml": codes.encode(), "xl/worksheets/sheet2.xml": inline.encode(),
           "xl/_rels/workbook.xml.rels": rels.encode(), "[Content_Types].xml": ctypes.encode()},
          {"xl/sharedStrings.xml": sst.encode()})

# 2. hs_correlation_tiny.xlsx: the layout of the UNSD HS2022 -> HS2017 table (a banner row
#    "Between", then HS2022 | HS2017 | Relationship) with each relationship type, and a
#    conversion sheet first, as in the real file.
wb = openpyxl.Workbook()
conv = wb.active
conv.title = "HS2022-HS2017 Conversions"
conv.append(["From HS2022", "To HS2017"])
conv.append(["010121", "010121"])
cor = wb.create_sheet("HS2022-HS2017 Correlations")
cor.append(["Between", None, None])
cor.append(["HS2022", " HS2017", "Relationship"])
rows = [
    ("010121", "010121", "1:1"),
    ("850760", "850760", "1:1"),
    ("854142", "854140", "n:1"),   # HS2017 854140 split into 854142 and 854143 in 2022
    ("854143", "854140", "n:1"),
    ("284690", "284690", "1:1"),
    ("030111", "030111", "1:n"),   # (synthetic) HS2017 030111 + 030119 merged into 030111
    ("030111", "030119", "1:n"),
    # labelled n:n as a whole group; UNSD's pair-level rule gives n:1 and 1:n for the first
    # and last pair: the importer counts them as relationship-differs (tested)
    ("440111", "440110", "n:n"),
    ("440112", "440110", "n:n"),
    ("440112", "440130", "n:n"),
]
for r in rows:
    cor.append(list(r))
fixed_zip(save(wb), os.path.join(out, "hs_correlation_tiny.xlsx"))
with open(os.path.join(out, "hs_correlation_tiny.csv"), "w", newline="") as f:
    f.write("HS2022,HS2017,Relationship\n")
    for r in rows:
        f.write(",".join(r) + "\n")
