"""Each format with good and bad rows: what the parsers and validate_rows make of them."""

from __future__ import annotations

import json

import pytest

from matchmaker.errors import ValidationFailed
from matchmaker.importing.formats import Format, detect_format, load_mapping, parse_text
from matchmaker.importing.rows import validate_rows
from tests.importing.conftest import PROJECT_HEADER, T0

PROJECT = PROJECT_HEADER + (
    "am-cluster,AM Cluster Austria,cluster,AT12,AT,St. Pölten,,,,,,,,\n"
    "rhp,RHP-Technology GmbH,company,AT12,AT,Seibersdorf,www.rhp.at,Powder metallurgy,"
    '"proc.pbf.lb_m:3; titanium alloys","HIP services for AM parts",'
    '"Ti6Al4V powder",am-cluster:2019,,"RHP"\n'
    "ana,Ana Expert,expert,,Österreich,Wien,,,,,,,rhp,\n"
)


def test_project_csv_good_rows() -> None:
    fmt, parsed = parse_text(PROJECT, filename="members.csv")
    actors, problems = validate_rows(parsed.rows, source="file:members.csv", at=T0)
    assert fmt is Format.PROJECT
    assert problems == []
    cluster, rhp, ana = actors
    assert cluster.kind == "cluster"
    assert cluster.city == "St. Pölten"
    assert [(c.concept, c.level) for c in rhp.competences] == [("proc.pbf.lb_m", 3), ("mat.ti", 2)]
    assert rhp.competences[1].evidence == "titanium alloys"
    assert rhp.offers[0].text == "HIP services for AM parts"
    assert rhp.offers[0].concepts == ["am", "vc.post.hip"]
    assert rhp.requests[0].concepts == ["mat.ti.ti64", "fs.powder"]
    assert rhp.memberships[0].cluster == "am-cluster"
    assert rhp.memberships[0].since == 2019
    assert rhp.website == "https://www.rhp.at"
    assert rhp.aliases == ["RHP"]
    prov = rhp.competences[0].provenance[0]
    assert (prov.source, prov.row, prov.at) == ("file:members.csv", 2, T0)
    assert ana.country == "AT"
    assert ana.region == "AT13"
    assert ana.affiliation == "rhp"
    assert [v.name for v in rhp.name_variants] == ["RHP-Technology GmbH"]


def test_project_csv_bad_rows_name_row_and_column() -> None:
    text = PROJECT_HEADER + (
        "ok,Fine Ltd,company,AT12,AT,,,,,,,,,\n"
        "bad-kind,X,robot,AT12,AT,,,,,,,,,\n"
        "bad-region,Y,company,DE21,AT,,,,,,,,,\n"
        "bad-concept,Z,company,AT12,AT,,,,proc.nope:2,,,,,\n"
        "bad-level,W,company,AT12,AT,,,,proc.pbf.lb_m:7,,,,,\n"
        "Bad Id,V,company,AT12,AT,,,,,,,,,\n"
        "ok,Again,company,AT12,AT,,,,,,,,,\n"
    )
    _, parsed = parse_text(text, Format.PROJECT)
    actors, problems = validate_rows(parsed.rows)
    assert [a.id for a in actors] == ["ok"]
    got = {(p.row, p.field) for p in problems}
    assert got == {(2, "kind"), (3, "country"), (4, "competences"), (5, "competences"),
                   (6, "id"), (7, "id")}  # fmt: skip
    by_row = {p.row: p for p in problems}
    assert "DE21" in by_row[3].message
    assert "AT" in by_row[3].message
    assert "proc.nope" in by_row[4].message
    assert "row 1" in by_row[7].message


def test_unrecognised_free_text_is_a_warning_not_dropped_silently() -> None:
    text = PROJECT_HEADER + 'x,X GmbH,company,AT12,AT,,,,"titanium; basket weaving",,,,,\n'
    _, parsed = parse_text(text, Format.PROJECT)
    warnings = parsed.rows[0].warnings
    assert [(w.row, w.field) for w in warnings] == [(1, "competences")]
    assert "basket weaving" in warnings[0].message


def test_project_csv_unknown_or_missing_columns() -> None:
    _, parsed = parse_text("id,name,kind,country,colour\n", Format.PROJECT)
    assert [(p.row, p.field) for p in parsed.problems] == [(None, "colour")]
    _, parsed = parse_text("name,kind\n", Format.PROJECT)
    assert {p.field for p in parsed.problems} == {"id", "country"}


def test_json_list_and_json_lines() -> None:
    actor = {"id": "a", "name": "A", "kind": "company", "region": "AT12", "country": "AT"}
    fmt, parsed = parse_text(json.dumps([actor, {**actor, "id": "b", "kind": "x"}]))
    actors, problems = validate_rows(parsed.rows)
    assert fmt is Format.JSON
    assert [a.id for a in actors] == ["a"]
    assert [(p.row, p.field) for p in problems] == [(2, "kind")]
    lines = json.dumps(actor) + "\n\n" + "not json\n" + json.dumps({**actor, "id": "c"}) + "\n"
    _, parsed = parse_text(lines, Format.JSON)
    assert [r.data["id"] for r in parsed.rows] == ["a", "c"]
    assert [(p.row, p.field) for p in parsed.problems] == [(3, "json")]


FP7 = (
    "organisation_id,country,name,address\n"
    '911618223,FR,ASSOCIATION EISBM,"Parc des CÃ¨dres, Vourles, 69390"\n'
    '999,UK,THE WELDING INSTITUTE,"Granta Park, Great Abington, CAMBRIDGE, CB21 6AL"\n'
    '998,DE,TECHNISCHE UNIVERSITAET MUENCHEN,"Arcisstrasse 21, MUENCHEN, 80333"\n'
    '997,EL,NATIONAL TECHNICAL UNIVERSITY OF ATHENS - NTUA,"Heroon Polytechniou 9, ATHINA, 15780"\n'
    '996,IT,X2 SOLUTIONS SRL,"VIA XXI LUGLIO 20, MIRANDOLA, 41073"\n'
    '995,ZZ,NOWHERE LTD,"x, y, z"\n'
)


def test_cordis_fp7_rows() -> None:
    fmt, parsed = parse_text(FP7)
    actors, problems = validate_rows(parsed.rows)
    assert fmt is Format.CORDIS_FP7
    by_id = {a.id: a for a in actors}
    assert sorted(by_id) == ["cordis-911618223", "cordis-996", "cordis-997", "cordis-998"]
    eisbm = by_id["cordis-911618223"]
    assert (eisbm.region, eisbm.city, eisbm.kind) == ("FRK2", "Vourles", "company")
    assert by_id["cordis-998"].kind == "university"
    assert by_id["cordis-998"].region == "DE21"
    assert by_id["cordis-997"].country == "GR"
    assert by_id["cordis-997"].region == "EL30"
    assert by_id["cordis-996"].region == "ITI4"
    assert [r.region_method for r in parsed.rows] == ["postcode", "city", "city", "capital"]
    assert [(p.row, p.field, p.actor_id) for p in parsed.skipped] == [
        (2, "country", "cordis-999"),
        (6, "country", "cordis-995"),
    ]
    assert "GB" in parsed.skipped[0].message
    assert problems == []


CORDIS = (
    "projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;"
    "postCode;city;country;nutsCode;geolocation;organizationURL;contactForm\n"
    "101;AMX;950001;;FRAUNHOFER GESELLSCHAFT ZUR FORDERUNG DER ANGEWANDTEN FORSCHUNG EV;FHG;"
    "false;REC;Hansastr 27c;80686;Munchen;DE;DE212;;http://www.fraunhofer.de;\n"
    "102;AMY;950001;;FRAUNHOFER GESELLSCHAFT ZUR FORDERUNG DER ANGEWANDTEN FORSCHUNG EV;FHG;"
    "false;REC;Hansastr 27c;80686;Munchen;DE;DE212;;;\n"
    "101;AMX;950002;;Lortek S Coop;LORTEK;true;OTH;Barrio La Granja;20240;Ordizia;ES;ES212;;;\n"
    "101;AMX;950003;;The Manufacturing Technology Centre;MTC;false;PRC;x;CV7;Coventry;UK;"
    "UKG13;;;\n"
    "101;AMX;950004;;Bad Kind SA;;false;XYZ;x;1000;Lisboa;PT;PT170;;;\n"
)


def test_official_cordis_organisations() -> None:
    fmt, parsed = parse_text(CORDIS)
    actors, problems = validate_rows(parsed.rows)
    assert fmt is Format.CORDIS
    fhg, lortek = actors
    assert (fhg.id, fhg.kind, fhg.region, fhg.aliases) == (
        "cordis-950001", "research", "DE21", ["FHG"],
    )  # fmt: skip
    assert fhg.website == "http://www.fraunhofer.de"
    assert (lortek.kind, lortek.region) == ("company", "ES21")
    assert [(p.row, p.field) for p in parsed.skipped] == [(4, "country")]
    assert [(p.row, p.field) for p in problems] == [(5, "activityType")]


MAPPING = """
[csv]
delimiter = ";"
[columns]
name = "Firma"
city = "Ort"
competences = ["Verfahren", "Werkstoffe"]
website = "Web"
kind = "Typ"
[constants]
country = "AT"
region = "AT12"
[id]
template = "noe-{name}"
[kinds]
"Unternehmen" = "company"
"Hochschule" = "university"
"""


def test_mapped_csv() -> None:
    text = (
        "Firma;Ort;Verfahren;Werkstoffe;Web;Typ\n"
        "Böhler Edelstahl GmbH;Kapfenberg;Laserstrahlschmelzen;Titan;boehler.at;Unternehmen\n"
        "FH Wiener Neustadt;Wiener Neustadt;;;;Hochschule\n"
        "Nobody;;;;;Verein\n"
    )
    mapping = load_mapping(MAPPING)
    fmt, parsed = parse_text(text, mapping=mapping)
    actors, problems = validate_rows(parsed.rows)
    assert fmt is Format.MAPPED
    boehler, fh = actors
    assert boehler.id == "noe-bohler-edelstahl-gmbh"
    assert boehler.kind == "company"
    assert [c.concept for c in boehler.competences] == ["proc.pbf.lb_m", "mat.ti"]
    assert fh.kind == "university"
    assert fh.region == "AT12"
    assert [(p.row, p.field) for p in problems] == [(3, "Typ")]


def test_mapping_errors_name_the_key() -> None:
    with pytest.raises(ValidationFailed) as info:
        load_mapping('[columns]\nname = "A"\ncolour = "B"\n')
    assert info.value.problems[0].field == "columns.colour"
    with pytest.raises(ValidationFailed) as info:
        load_mapping('[columns]\ncity = "A"\n')
    assert info.value.problems[0].field == "columns.name"
    with pytest.raises(ValidationFailed):
        load_mapping("[columns\n")
    _, parsed = parse_text("Other\nx\n", mapping=load_mapping('[columns]\nname = "Firma"\n'))
    assert [(p.row, p.field) for p in parsed.problems] == [(None, "Firma")]


def test_detect_format_refuses_unknown_layouts() -> None:
    assert detect_format("id,name,kind,country\n") is Format.PROJECT
    with pytest.raises(ValidationFailed, match="mapping"):
        detect_format("Firma,Ort\n")
    with pytest.raises(ValidationFailed, match="unknown format"):
        parse_text("x", "excel")
