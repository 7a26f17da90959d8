import pytest

from matchmaker.cleaning import LEGAL_FORMS, clean_name, fold, repair_mojibake


@pytest.mark.parametrize(
    ("name", "key", "legal_form"),
    [
        ("RHP TECHNOLOGY GMBH", "rhp technology", "GmbH"),
        ("RHP-Technology GmbH & Co. KG", "rhp technology", "GmbH & Co KG"),
        ("Materialise NV", "materialise", "NV"),
        ("Arcam AB (publ)", "arcam", "AB"),
        ("Kovo s.r.o.", "kovo", "s.r.o."),
        ("TEDOM A.S.", "tedom", "a.s."),
        ("Prima Industrie S.p.A.", "prima industrie", "S.p.A."),
        ("X2 SOLUTIONS SRL", "x2 solutions", "S.r.l."),
        ("Tecnalia S.L.", "tecnalia", "S.L."),
        ("Sante A. Kowalski sp.j.", "sante a kowalski", "Sp. j."),
        ("Pielaszek Research Sp. z o.o.", "pielaszek research", "Sp. z o.o."),
        ("BAY ZOLTAN NONPROFIT KFT.", "bay zoltan", "Kft."),
        ("Richter Gedeon Nyrt.", "richter gedeon", "Zrt."),
        ("DONG ENERGY A/S", "dong energy", "a.s."),
        ("Aeirtec Limited", "airtec", "Ltd"),
        ("DISASTER WASTE RECOVERY LBG", "disaster waste recovery", "LBG"),
        ("COMSIS SAS", "comsis", "SAS"),
        ("INTELLIXIR SARL", "intellixir", "SARL"),
        ("IVAM EV", "ivam", "e.V."),
        ("Murata Electronics Oy", "murata electronics", "Oy"),
        ("SC ROMPLUMB SRL", "romplumb", "S.r.l."),
        ("Tender-IT BV", "tender it", "BV"),
    ],
)
def test_legal_forms_across_languages_are_removed(name: str, key: str, legal_form: str) -> None:
    cleaned = clean_name(name)
    assert cleaned.key == key
    assert cleaned.legal_form == legal_form


def test_name_without_legal_form_keeps_every_word() -> None:
    cleaned = clean_name("Politecnico di Milano")
    assert cleaned.legal_form is None
    assert cleaned.tokens == ("politecnico", "di", "milano")


def test_a_name_that_is_only_a_legal_form_is_kept() -> None:
    assert clean_name("GmbH").key == "gmbh"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Technische Universität München", "TECHNISCHE UNIVERSITAET MUENCHEN"),
        ("Blücher GmbH", "BLUECHER GMBH"),
        ("Smith & Jones Ltd", "SMITH AND JONES LIMITED"),
        ("Müller und Söhne GmbH", "Muller & Sohne GmbH"),
        ("Ørsted A/S", "ORSTED AS"),
        ("Łódź Instruments", "LODZ INSTRUMENTS"),
        ("The Welding Institute", "WELDING INSTITUTE"),
        ("Espaço et Forme", "ESPACO ET FORME"),
    ],
)
def test_spelling_variants_share_a_key(a: str, b: str) -> None:
    assert clean_name(a).key == clean_name(b).key


def test_different_names_keep_different_keys() -> None:
    assert clean_name("E++ SRL").key != clean_name("I+ SRL").key
    assert clean_name("Université de Rennes I").key != clean_name("Université de Rennes II").key


def test_mojibake_is_repaired() -> None:
    assert repair_mojibake("BlÃ¼cher GmbH") == "Blücher GmbH"
    assert repair_mojibake("Molecular Networks GmbH â€“ Computerchemie").endswith(
        "– Computerchemie"
    )
    assert repair_mojibake("MECÃ\ufffdNICA MALLABI") == "MECÁNICA MALLABI"
    assert repair_mojibake("Château") == "Château"


def test_fold_is_ascii_lower_case() -> None:
    assert fold("Straße Œuvre ĐURO") == "strasse oeuvre duro"


def test_legal_form_table_is_clean_data() -> None:
    for canonical, spellings in LEGAL_FORMS.items():
        assert canonical
        for spelling in spellings:
            assert spelling == fold(spelling), spelling
            assert all(word.isalnum() for word in spelling.split()), spelling
