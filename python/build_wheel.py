"""Writes Tessera's wheel (PEP 427) from the package sources and the built extension.

Usage: build_wheel.py --out FILE.whl --tag cp311 --core _core.so SRC=ARCNAME ...
Entries carry a fixed date so that the same inputs give the same bytes. Needs nothing beyond
the standard library (no setuptools, no network).
"""
import argparse
import base64
import hashlib
import zipfile

VERSION = "0.1.0"


def digest(data):
    h = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "sha256=" + h


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--tag", required=True)
    ap.add_argument("--core", required=True)
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    entries = []
    for spec in args.files:
        src, arcname = spec.split("=", 1)
        entries.append((arcname, open(src, "rb").read()))
    entries.append(("tessera/_core.so", open(args.core, "rb").read()))
    info = "tessera-%s.dist-info" % VERSION
    entries.append((info + "/METADATA", (
        "Metadata-Version: 2.1\nName: tessera\nVersion: %s\n"
        "Summary: Tessera: Apache MXNet's design carried forward (import mxnet as mx)\n"
        "Requires-Python: >=3.9\nRequires-Dist: numpy\n" % VERSION).encode()))
    entries.append((info + "/WHEEL", (
        "Wheel-Version: 1.0\nGenerator: tessera build_wheel.py\nRoot-Is-Purelib: false\n"
        "Tag: %s-%s-linux_x86_64\n" % (args.tag, args.tag)).encode()))
    entries.append((info + "/top_level.txt", b"mxnet\ntessera\n"))
    record = "".join("%s,%s,%d\n" % (n, digest(d), len(d)) for n, d in entries)
    record += info + "/RECORD,,\n"
    entries.append((info + "/RECORD", record.encode()))
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            zi = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = (0o755 if name.endswith(".so") else 0o644) << 16
            z.writestr(zi, data)


if __name__ == "__main__":
    main()
