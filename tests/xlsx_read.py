#!/usr/bin/env python3
"""Reads an .xlsx workbook with the standard library only (zipfile, xml.etree), for
the tests of `stroom run/compare --xlsx` (tests/cli_xlsx.sh).

    import xlsx_read
    book = xlsx_read.read("run.xlsx")   # {sheet name: {(row, col): value}}, in sheet order
    book["series_p50"][(0, 0)]          # 'month' (rows and columns from 0)

A value is a float for a number cell, a str for a text cell (shared or inline
string), a bool for a boolean cell; empty cells are absent. Formats are not read,
except that xlsx_read.formats(path[, sheet]) gives each sheet's {(row, col): number
format}.

From the shell: xlsx_read.py FILE lists the sheets; xlsx_read.py FILE SHEET prints
the sheet as tab-separated rows (numbers as repr of the float).
"""
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _ref(ref):
    """'B3' -> (2, 1)."""
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", ref)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)) - 1, col - 1


def _text(el):
    """The text of a string item (<si> or <is>): its <t> pieces, rich runs joined."""
    return "".join(t.text or "" for t in el.iter("{%s}t" % NS["m"]))


def _sheets(z):
    """[(name, path in the zip)] in the workbook's order."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels.iter(REL + "Relationship")}
    out = []
    for s in wb.find("m:sheets", NS):
        t = target[s.get("{%s}id" % NS["r"])]
        out.append((s.get("name"), t[1:] if t.startswith("/") else "xl/" + t))
    return out


def read(path):
    with zipfile.ZipFile(path) as z:
        shared = []
        if "xl/sharedStrings.xml" in z.namelist():
            sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
            shared = [_text(si) for si in sst.findall("m:si", NS)]
        book = {}
        for name, part in _sheets(z):
            cells = {}
            root = ET.fromstring(z.read(part))
            for c in root.iter("{%s}c" % NS["m"]):
                t = c.get("t", "n")
                v = c.find("m:v", NS)
                if t == "inlineStr":
                    val = _text(c.find("m:is", NS))
                elif v is None:
                    continue
                elif t == "s":
                    val = shared[int(v.text)]
                elif t == "b":
                    val = v.text == "1"
                elif t in ("str", "e"):
                    val = v.text
                else:
                    val = float(v.text)
                cells[_ref(c.get("r"))] = val
            book[name] = cells
        return book


def formats(path, only=None):
    """{sheet: {(row, col): number format code}} ('General' for the default), of
    every sheet or of the sheet named only."""
    builtin = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 49: "@"}
    with zipfile.ZipFile(path) as z:
        st = ET.fromstring(z.read("xl/styles.xml"))
        custom = {int(n.get("numFmtId")): n.get("formatCode")
                  for n in st.iter("{%s}numFmt" % NS["m"])}
        xfs = st.find("m:cellXfs", NS)
        xf_fmt = [int(x.get("numFmtId", "0")) for x in xfs.findall("m:xf", NS)]
        out = {}
        for name, part in _sheets(z):
            if only is not None and name != only:
                continue
            cells = {}
            for c in ET.fromstring(z.read(part)).iter("{%s}c" % NS["m"]):
                fid = xf_fmt[int(c.get("s", "0"))]
                cells[_ref(c.get("r"))] = custom.get(fid, builtin.get(fid, str(fid)))
            out[name] = cells
        return out


def main(argv):
    book = read(argv[1])
    if len(argv) < 3:
        print("\n".join(book))
        return 0
    cells = book[argv[2]]
    if not cells:
        return 0
    rows = max(r for r, _ in cells) + 1
    cols = max(c for _, c in cells) + 1
    for r in range(rows):
        print("\t".join(repr(cells[(r, c)]) if isinstance(cells.get((r, c)), float)
                        else str(cells.get((r, c), "")) for c in range(cols)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
