"""Each recogniser of the directive parser on variants the seeds do not contain."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from coordination.importing.parser import AgencyEntry, find_agencies, normalize, parse_directive
from coordination.importing.parser.agencies import Recognizer
from coordination.importing.parser.deadlines import find_deadline
from coordination.importing.parser.references import find_references
from coordination.importing.parser.text import MText, flatten, fold


def tasks_of(text, registry=None, **kw):
    return [(t.paragraph, t.lead.label, [c.label for c in t.coordinating]) for t in parse_directive(text, registry, **kw).tasks]


def deadline(text, ref=date(2023, 4, 12)):
    return find_deadline(flatten(normalize(text)), ref)


def mentions(text, registry=None):
    rec = Recognizer(registry)
    mt = flatten(normalize(text))
    items, _end, _tail = rec.scan_list(fold(mt.s), mt.s, 0)
    return [rec.mention(mt, m) for m in items]


# --- normalisation ---------------------------------------------------------------------------

class TestNormalise:
    def test_nfd_becomes_nfc_and_offsets_point_into_the_nfd_original(self):
        original = unicodedata.normalize("NFD", "Sở Tài chính chủ trì")
        mt = normalize(original)
        assert mt.s == "Sở Tài chính chủ trì"
        start, end = mt.span(3, 12)  # "Tài chính"
        assert unicodedata.normalize("NFC", original[start:end]) == "Tài chính"

    @pytest.mark.parametrize("broken, repaired", [
        ("các t ỉnh, thành phố", "các tỉnh, thành phố"),
        ("hộ kinh doanh p hải dừng", "hộ kinh doanh phải dừng"),
        ("không thể trực t iếp thỏa thuận", "không thể trực tiếp thỏa thuận"),
        ("các đ ịa p hương", "các địa phương"),
        ("tham mưu kiến ngh ị Bộ Tài chính", "tham mưu kiến nghị Bộ Tài chính"),
        ("cán bộ p hụ trách", "cán bộ phụ trách"),
        ("Ủy ban nhân dân T ỉnh", "Ủy ban nhân dân Tỉnh"),
    ])
    def test_pdf_split_letters_are_glued_back(self, broken, repaired):
        assert normalize(broken).s == repaired

    @pytest.mark.parametrize("text", [
        "theo điểm c hoặc d khoản 1", "điểm b khoản 2 Điều 5", "Phụ lục V hướng dẫn", "mục a và b",
    ])
    def test_real_single_letters_are_left_alone(self, text):
        assert normalize(text).s == text

    def test_markdown_dashes_spaces_and_punctuation(self):
        mt = normalize("**Số:** *1324*/UBND-KGVX\nSở Lao động – Thương binh  và Xã hội ,  tỉnh ;")
        assert mt.s == "Số: 1324/UBND-KGVX\nSở Lao động - Thương binh và Xã hội, tỉnh;"

    def test_table_pipes_and_markdown_bullets(self):
        assert normalize("| Số: 68/KH-UBND |\n|\n* Tổ chức tập huấn").s == "Số: 68/KH-UBND\n\n- Tổ chức tập huấn"

    def test_fold_keeps_length_and_case(self):
        assert fold("Đài Phát thanh") == "Dai Phat thanh"
        assert len(fold("Ủy ban nhân dân tỉnh")) == len("Ủy ban nhân dân tỉnh")

    def test_mtext_join_and_flatten_keep_offsets(self):
        mt = normalize("Sở Lao động - Thương\nbinh và Xã hội")
        flat = flatten(mt)
        assert flat.s == "Sở Lao động - Thương binh và Xã hội"
        assert flat.span() == (0, len("Sở Lao động - Thương\nbinh và Xã hội"))
        assert MText.join(" ", [MText.of("a"), MText.of("b")]).s == "a b"


# --- header ----------------------------------------------------------------------------------

CHI_THI = """ỦY BAN NHÂN DÂN
TỈNH QUẢNG NAM
-------
|
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
|
Số: 15/CT-UBND
|
Quảng
Nam, ngày 3 tháng 2 năm 2023
|
CHỈ THỊ
VỀ VIỆC TĂNG CƯỜNG CÔNG TÁC AN TOÀN, VỆ SINH LAO ĐỘNG
NĂM 2023

Để thực hiện tốt công tác an toàn, vệ sinh lao động, Chủ tịch UBND tỉnh yêu cầu:

1. Giám đốc Sở Lao động - Thương binh và Xã hội:
a) Chủ trì, phối hợp với Liên đoàn Lao động tỉnh tổ chức Tháng hành động, hoàn thành trong tháng 5/2023.
b) Hằng quý tổng hợp tình hình tai nạn lao động, báo cáo UBND tỉnh trước ngày 20 của tháng cuối quý.

2. Giám đốc các Sở: Xây dựng, Công Thương, Y tế theo chức năng, nhiệm vụ kiểm tra việc chấp hành pháp luật.

3. Đề nghị Liên đoàn Lao động tỉnh chỉ đạo công đoàn cơ sở giám sát việc thực hiện.

Yêu cầu Giám đốc các sở, Thủ trưởng các ban, ngành, Chủ tịch UBND các huyện, thị xã, thành phố nghiêm túc thực hiện Chỉ thị này./.

Nơi nhận:
- Bộ LĐ-TB&XH (b/c);
- Như mục 1-3;
- Lưu: VT, KGVX.
- bang*

CHỦ TỊCH
[Signature]

Lê Trí Thanh
"""


class TestHeader:
    def test_directive_header_in_table_extraction_format(self):
        p = parse_directive(CHI_THI)
        assert (p.number, p.type, p.place, p.date) == ("15/CT-UBND", "Chỉ thị", "Quảng Nam", date(2023, 2, 3))
        assert p.issuer == "ỦY BAN NHÂN DÂN TỈNH QUẢNG NAM"
        assert p.subject == "TĂNG CƯỜNG CÔNG TÁC AN TOÀN, VỆ SINH LAO ĐỘNG NĂM 2023"
        assert (p.signer.name, p.signer.capacity) == ("Lê Trí Thanh", "CHỦ TỊCH")
        assert [m.text for m in p.copy_to] == ["Bộ LĐ-TB&XH"]

    @pytest.mark.parametrize("line, number", [
        ("Số: *1324*/UBND-KGVX", "1324/UBND-KGVX"),
        ("Số: 2962 /VP-VHXH", "2962/VP-VHXH"),
        ("**Số: 08/2022/QĐ-TTg**", "08/2022/QĐ-TTg"),
        ("Số:\n45/KH-UBND", "45/KH-UBND"),
    ])
    def test_number_variants(self, line, number):
        assert parse_directive(f"UBND TỈNH AN GIANG\n{line}\nAn Giang, ngày 1 tháng 2 năm 2023\n").number == number

    @pytest.mark.parametrize("symbol, title, kind", [
        ("15/CT-UBND", "", "Chỉ thị"), ("20/KH-UBND", "", "Kế hoạch"), ("05/CĐ-UBND", "", "Công điện"),
        ("120/TB-VPUBND", "", "Thông báo"), ("33/QĐ-UBND", "", "Quyết định"), ("99/UBND-VX", "", "Công văn"),
        ("12/UBND-VX", "THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh", "Thông báo"),
    ])
    def test_type_from_title_or_symbol(self, symbol, title, kind):
        text = f"Số: {symbol}\nCần Thơ, ngày 5 tháng 6 năm 2023\n{title}\n"
        assert parse_directive(text).type == kind

    def test_date_with_markdown_and_city_issuer_from_symbol(self):
        p = parse_directive("Số: 10/UBND-VX\nHà Nội, ngày *25* tháng 5 năm 2022\nV/v hỗ trợ\nngười lao động\n\n"
                            "Kính gửi: Sở Y tế.\n\n1. Khẩn trương rà soát.\n")
        assert p.date == date(2022, 5, 25) and p.place == "Hà Nội"
        assert p.issuer == "Ủy ban nhân dân thành phố Hà Nội"
        assert p.subject == "hỗ trợ người lao động"
        assert [t.lead.text for t in p.tasks] == ["Sở Y tế"]  # the only addressee

    def test_ocr_noi_nhan_and_title_case_signer(self):
        p = parse_directive("Số: 1/VPCP-KSTT\nHà Nội, ngày 1 tháng 1 năm 2021\n\n**Noi nhận:**\n- Như trên;\n"
                            "- Bộ LĐTBXH (để p/h);\n- Lưu: VT.\n\n**BỘ TRƯỞNG, CHỦ NHIỆM**\n\n**Mai Tiến Dũng**")
        assert [m.text for m in p.copy_to] == ["Bộ LĐTBXH"]
        assert (p.signer.name, p.signer.capacity) == ("Mai Tiến Dũng", "BỘ TRƯỞNG, CHỦ NHIỆM")
        assert p.issuer == "Văn phòng Chính phủ"

    def test_two_column_signature_printed_beside_the_copy_list(self):
        p = parse_directive("Số: 1520 /UBND-VX Vĩnh Long, ngày 18 tháng 4 năm 2022\n\n1. Sở Y tế rà soát.\n\n"
                            "Nơi nhận: KT. CHỦ TỊCH\n- Như trên; PHÓ CHỦ TỊCH\n- CT, các PCT UBND tỉnh;\n"
                            "- Lưu: VT.\n\n Lữ Quang Ngời")
        assert (p.number, p.place, p.date) == ("1520/UBND-VX", "Vĩnh Long", date(2022, 4, 18))
        assert (p.signer.name, p.signer.capacity) == ("Lữ Quang Ngời", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH")
        assert [m.text for m in p.copy_to] == ["CT, các PCT UBND tỉnh"]

    def test_signer_name_in_capitals(self):
        p = parse_directive("Số: 4/KH-SLĐTBXH\nĐồng Tháp, ngày 8 tháng 3 năm 2023\n\nNội dung.\n\nNơi nhận:\n"
                            "- Lưu: VT.\n\nGIÁM ĐỐC\n\nNGUYỄN VĂN MINH")
        assert (p.signer.name, p.signer.capacity) == ("NGUYỄN VĂN MINH", "GIÁM ĐỐC")

    def test_cong_dien_addressees(self, registry):
        p = parse_directive("Số: 05/CĐ-UBND\nBình Dương, ngày 10 tháng 1 năm 2024\nCÔNG ĐIỆN\nVề việc lương Tết\n\n"
                            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH điện:\n\n- Giám đốc các sở, Thủ trưởng các ban, ngành tỉnh;\n"
                            "- Chủ tịch UBND các huyện, thị xã, thành phố.\n\n1. Sở Lao động - Thương binh và Xã hội"
                            " kiểm tra việc trả lương.\n", registry)
        assert [m.label for m in p.recipients] == ["SO-NGANH", "HUYEN"]
        assert p.subject == "lương Tết"
        assert tasks_of_p(p) == [("1", "SLDTBXH", [])]

    def test_inline_addressees_listing_several_agencies(self, registry):
        p = parse_directive("Kính gửi: Sở Tài chính, Sở Nội vụ, Bảo hiểm xã hội tỉnh Long An.\n\nNội dung.", registry)
        assert [m.label for m in p.recipients] == ["STC", "SNV", "BHXH"]


def tasks_of_p(p):
    return [(t.paragraph, t.lead.label, [c.label for c in t.coordinating]) for t in p.tasks]


# --- agencies --------------------------------------------------------------------------------

class TestAgencies:
    def test_registry_match_returns_the_code_and_an_unknown_agency_is_proposed_as_new(self, registry):
        found = mentions("Sở Tài chính, Sở Văn hóa, Thể thao và Du lịch phối hợp", registry)
        assert [(m.code, m.is_new) for m in found] == [("STC", False), (None, True)]
        assert found[1].text == "Sở Văn hóa, Thể thao và Du lịch"

    @pytest.mark.parametrize("written", [
        "Sở Lao động – Thương binh và Xã hội", "Sở Lao động — Thương binh và Xã hội",
        "Sở Lao động, Thương binh và Xã hội", "Sở LĐTBXH", "Sở LĐ-TB&XH", "sở Lao động - Thương binh và xã hội tỉnh",
        unicodedata.normalize("NFD", "Sở Lao động - Thương binh và Xã hội"), "Sở Lao động - Thương\nbinh và Xã hội",
        "Sở Lao động - Thương binh và Xã hội tỉnh Bắc Ninh", "Sở Lao đ ộng - Thương binh và Xã hội",
    ])
    def test_name_variants_match_the_registry(self, written, registry):
        if written[0].islower():
            return  # lower-case "sở" is only accepted inside a group name; covered below
        assert [m.code for m in mentions(written + " chủ trì", registry)] == ["SLDTBXH"]

    @pytest.mark.parametrize("written, code", [
        ("BHXH tỉnh", "BHXH"), ("Bảo hiểm xã hội tỉnh Hà Nam", "BHXH"), ("NHCSXH tỉnh", "NHCSXH"),
        ("Liên đoàn Lao động tỉnh", "LDLD"), ("UBND tỉnh", "UBND"), ("Đài PT-TH tỉnh", "DAI"),
        ("Trung tâm Dịch vụ Việc làm tỉnh", "TTDVVL"),
    ])
    def test_abbreviations(self, written, code, registry):
        assert [m.code for m in mentions(written, registry)] == [code]

    @pytest.mark.parametrize("written, code", [
        ("Các sở, ban, ngành tỉnh", "SO-NGANH"), ("các Sở, ngành liên quan", "SO-NGANH"),
        ("Thủ trưởng các sở, ban, ngành", "SO-NGANH"), ("Các Sở, ban, ngành, đơn vị cấp tỉnh", "SO-NGANH"),
        ("UBND các huyện, thị xã, thành phố", "HUYEN"), ("Ủy ban nhân dân các huyện, thành phố, thị xã", "HUYEN"),
        ("UBND huyện, thị xã, thành phố", "HUYEN"), ("các địa phương", "HUYEN"), ("UBND cấp huyện", "HUYEN"),
        ("Chủ tịch UBND các huyện, thành phố", "HUYEN"), ("UBND các quận, huyện", "HUYEN"),
    ])
    def test_groups_map_to_the_registry_group(self, written, code, registry):
        found = mentions(written, registry)
        assert [(m.code, m.is_group) for m in found] == [(code, True)]

    def test_without_registry_agencies_are_recognised_generically(self):
        found = mentions("Sở Y tế, Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh, Ban Quản lý Khu kinh tế tỉnh, "
                         "Chi nhánh Ngân hàng Chính sách xã hội tỉnh, Báo Quảng Ninh, Đài Phát thanh và Truyền hình "
                         "Quảng Ninh, Trung tâm Dịch vụ việc làm tỉnh, Liên đoàn Lao động tỉnh, Ủy ban nhân dân các "
                         "huyện, thị xã, thành phố và các cơ quan, đơn vị liên quan tổ chức")
        assert [m.text for m in found] == [
            "Sở Y tế", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh", "Ban Quản lý Khu kinh tế tỉnh",
            "Chi nhánh Ngân hàng Chính sách xã hội tỉnh", "Báo Quảng Ninh",
            "Đài Phát thanh và Truyền hình Quảng Ninh", "Trung tâm Dịch vụ việc làm tỉnh", "Liên đoàn Lao động tỉnh",
            "Ủy ban nhân dân các huyện, thị xã, thành phố"]
        assert all(m.is_new for m in found)
        assert [m.is_group for m in found][-1] is True

    def test_one_head_word_for_several_departments(self, registry):
        found = mentions("Giám đốc các Sở: Tài chính, Kế hoạch và Đầu tư, Giao thông vận tải", registry)
        assert [(m.text, m.code) for m in found] == [
            ("Sở Tài chính", "STC"), ("Sở Kế hoạch và Đầu tư", "SKHDT"), ("Sở Giao thông vận tải", None)]

    def test_generic_tails_and_common_words_are_not_agencies(self):
        assert mentions("các cơ quan, đơn vị liên quan") == []
        assert mentions("Tổ chức thực hiện") == []
        assert mentions("Báo cáo kết quả") == []

    def test_find_agencies_anywhere_in_a_text(self, registry):
        text = "báo cáo UBND tỉnh (qua Sở Nội vụ); phối hợp với Sở Y tế và các cơ quan liên quan"
        found = find_agencies(text, registry)
        assert [(m.text, m.code) for m in found] == [("UBND tỉnh", "UBND"), ("Sở Nội vụ", "SNV"), ("Sở Y tế", None)]
        assert [text[m.span[0]:m.span[1]] for m in found] == ["UBND tỉnh", "Sở Nội vụ", "Sở Y tế"]

    def test_a_generic_name_does_not_run_past_a_known_one(self, registry):
        found = mentions("Trung tâm dịch vụ việc làm Nghệ An hỗ trợ người lao động", registry)
        assert [(m.text, m.code) for m in found] == [("Trung tâm dịch vụ việc làm Nghệ An", "TTDVVL")]


# --- roles -----------------------------------------------------------------------------------

LETTER = "Số: 99/UBND-VX\nPhú Yên, ngày 2 tháng 3 năm 2023\nV/v lao động\n\nKính gửi: Các sở, ban, ngành tỉnh.\n\n{}\n"


class TestRoles:
    def test_lead_and_coordinating_from_chu_tri_phoi_hop(self, registry):
        text = LETTER.format("1. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ, Bảo hiểm xã hội tỉnh và các "
                             "cơ quan liên quan rà soát kinh phí.")
        assert tasks_of(text, registry) == [("1", "STC", ["SNV", "BHXH"])]

    def test_giao_chu_tri_in_an_unnumbered_paragraph(self, registry):
        text = LETTER.format("Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính tham mưu, báo cáo UBND tỉnh.")
        assert tasks_of(text, registry) == [(None, "SNV", ["STC"])]

    def test_giao_inside_a_numbered_paragraph_gives_one_task_per_clause(self, registry):
        text = LETTER.format("2. Về công tác tuyên truyền: Giao Sở Thông tin và Truyền thông chỉ đạo các cơ quan "
                             "báo chí tuyên truyền; giao Báo Hưng Yên, Đài Phát thanh và Truyền hình tỉnh mở chuyên mục.")
        assert tasks_of(text, registry) == [("2", "STTTT", []), ("2", "BAO", []), ("2", "DAI", [])]

    def test_several_subjects_share_the_coordinating_agencies(self, registry):
        text = LETTER.format("3. Sở Thông tin và Truyền thông, Báo Nghệ An phối hợp với Sở Lao động - Thương binh "
                             "và Xã hội tuyên truyền.")
        assert tasks_of(text, registry) == [("3", "STTTT", ["SLDTBXH"]), ("3", "BAO", ["SLDTBXH"])]

    def test_de_nghi_heading_and_bullets_under_an_agency_heading(self, registry):
        text = LETTER.format("IV. TỔ CHỨC THỰC HIỆN\n1. Đề nghị Liên đoàn Lao động tỉnh\n- Chỉ đạo công đoàn cơ sở "
                             "giám sát.\n- Phối hợp với Sở Tài chính, Sở Nội vụ kiểm tra.\n2. Sở Kế hoạch và Đầu tư\n"
                             "Chia sẻ dữ liệu doanh nghiệp.")
        assert tasks_of(text, registry) == [("IV.1", "LDLD", []), ("IV.1", "LDLD", ["STC", "SNV"]),
                                            ("IV.2", "SKHDT", [])]

    def test_doi_voi_and_trach_nhiem_cua_headings(self, registry):
        text = LETTER.format("II. TỔ CHỨC THỰC HIỆN\n1. Đối với Sở Tài chính:\n- Bố trí kinh phí.\n"
                             "2. Trách nhiệm của Sở Nội vụ:\nKiểm tra, đôn đốc việc thực hiện.")
        assert tasks_of(text, registry) == [("II.1", "STC", []), ("II.2", "SNV", [])]

    def test_topic_heading_whose_paragraph_names_the_agency(self, registry):
        text = LETTER.format("1. Về công tác tuyên truyền\n\nSở Thông tin và Truyền thông chủ trì, phối hợp với "
                             "Báo Hưng Yên tuyên truyền chính sách.\n\n2. Về kinh phí\n\nGiao Sở Tài chính bố trí.")
        assert tasks_of(text, registry) == [("1", "STTTT", ["BAO"]), ("2", "STC", [])]

    def test_past_accounts_are_not_tasks(self, registry):
        text = LETTER.format("1. Sở Nội vụ đã tổ chức 12 lớp tập huấn.\n2. Sở Tài chính bố trí kinh phí.")
        assert tasks_of(text, registry) == [("2", "STC", [])]

    def test_an_agency_heading_longer_than_a_line_of_text(self):
        text = LETTER.format("III. TỔ CHỨC THỰC HIỆN\n4. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh, Tỉnh đoàn, "
                             "Hội Liên hiệp Phụ nữ tỉnh\nPhối hợp tuyên truyền, vận động.")
        assert [lead for _p, lead, _c in tasks_of(text)] == [
            "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh"]

    def test_lead_in_sentence_gives_the_lead_of_numbered_paragraphs(self):
        text = ("Số: 1/VPCP-KSTT\nHà Nội, ngày 1 tháng 1 năm 2021\nKính gửi: Bộ trưởng các Bộ; Chủ tịch UBND các "
                "tỉnh, thành phố.\n\nVăn phòng Chính phủ đề nghị Chủ tịch UBND các tỉnh, thành phố chỉ đạo thực "
                "hiện các nội dung sau:\n\n1. Rà soát hồ sơ.\n\n2. Báo cáo kết quả trước ngày 30/1/2021.\n")
        result = tasks_of(text)
        assert [lead for _p, lead, _c in result] == ["Chủ tịch UBND các tỉnh, thành phố"] * 2

    def test_the_issuer_is_never_a_lead_and_bare_closings_are_not_tasks(self, registry):
        text = LETTER.format("Ủy ban nhân dân tỉnh đã nhận Công văn số 1/BYT-KH ngày 2/1/2023 của Bộ Y tế.\n\n"
                             "1. Sở Nội vụ rà soát.\n\nỦy ban nhân dân tỉnh yêu cầu các sở, ban, ngành nghiêm túc "
                             "thực hiện./.")
        assert tasks_of(text, registry) == [("1", "SNV", [])]

    def test_closing_with_a_report_duty_is_a_task_for_each_group(self, registry):
        text = LETTER.format("1. Sở Nội vụ rà soát.\n\nỦy ban nhân dân tỉnh yêu cầu các sở, ban, ngành; UBND huyện, "
                             "thị xã, thành phố hằng quý báo cáo kết quả về Sở Nội vụ trước ngày 20 tháng cuối quý./.")
        result = parse_directive(text, registry).tasks
        assert [(t.lead.label, t.deadline.recurrence) for t in result] == [
            ("SNV", None), ("SO-NGANH", "quarterly"), ("HUYEN", "quarterly")]
        assert result[1].deadline.rrule == "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20"
        assert result[1].deadline.date == date(2023, 3, 20)

    def test_descriptive_subject_is_kept_as_written(self):
        text = LETTER.format("2. Các cơ quan được giao chủ trì thực hiện chính sách, cụ thể hóa trách nhiệm.")
        assert tasks_of(text) == [("2", "Các cơ quan được giao chủ trì thực hiện chính sách", [])]

    def test_purpose_and_budget_sections_give_no_tasks(self, registry):
        text = LETTER.format("I. MỤC ĐÍCH, YÊU CẦU\n1. Yêu cầu\nCác sở, ban, ngành phối hợp chặt chẽ.\n"
                             "II. KINH PHÍ\nSở Tài chính bố trí kinh phí.\nIII. TỔ CHỨC THỰC HIỆN\n"
                             "1. Sở Nội vụ kiểm tra.")
        assert tasks_of(text, registry) == [("III.1", "SNV", [])]

    def test_wrapped_number_is_not_a_paragraph(self):
        text = LETTER.format("1. Sở Y tế nâng cấp hệ thống trong bối cảnh cách mạng công nghiệp\n4.0 và chuyển đổi "
                             "số.\n2. Sở Tài chính bố trí kinh phí.")
        assert [p for p, _l, _c in tasks_of(text)] == ["1", "2"]

    def test_task_table(self, registry):
        text = LETTER.format(
            "PHỤ LỤC\n| STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành |\n"
            "|---|---|---|---|---|\n| I | Tuyên truyền | | | |\n"
            "| 1 | Tuyên truyền chính sách | Sở Thông tin và Truyền thông | Báo Hưng Yên, các địa phương | Thường xuyên |\n"
            "| 2 | Tập huấn | Sở LĐTBXH | Các sở, ngành liên quan | Quý II/2023 |")
        result = parse_directive(text, registry).tasks
        assert [(t.paragraph, t.lead.label, [c.label for c in t.coordinating], t.deadline.kind, t.deadline.date)
                for t in result] == [("I.1", "STTTT", ["BAO", "HUYEN"], "ongoing", None),
                                     ("I.2", "SLDTBXH", ["SO-NGANH"], "date", date(2023, 6, 30))]


# --- deadlines -------------------------------------------------------------------------------

class TestDeadlines:
    @pytest.mark.parametrize("text, kind, when, recurrence", [
        ("báo cáo trước ngày 30/6/2022", "date", date(2022, 6, 30), None),
        ("hoàn thành trước ngày 15 tháng 12 năm 2023", "date", date(2023, 12, 15), None),
        ("chậm nhất ngày 10/7", "date", date(2023, 7, 10), None),
        ("đảm bảo hoàn thành trong tháng 8/2022", "month", date(2022, 8, 31), None),
        ("hoàn thành trong quý III/2022", "date", date(2022, 9, 30), None),
        ("trong quý II/2023", "date", date(2023, 6, 30), None),
        ("Thời gian hoàn thành: Quý IV/2023", "date", date(2023, 12, 31), None),
        ("giai đoạn đến năm 2025", "date", date(2025, 12, 31), None),
        ("thường xuyên kiểm tra, đôn đốc", "ongoing", None, None),
        ("Hàng năm, tổ chức đánh giá", "recurring", None, "yearly"),
        ("hằng quý báo cáo", "recurring", None, "quarterly"),
        ("báo cáo hằng tháng trước ngày 25", "recurring", date(2023, 4, 25), "monthly"),
        ("định kỳ hằng năm báo cáo trước ngày 15/12", "recurring", date(2023, 12, 15), "yearly"),
        ("định kỳ hàng năm báo cáo trước ngày 15/3", "recurring", date(2024, 3, 15), "yearly"),
    ])
    def test_kinds(self, text, kind, when, recurrence):
        d = deadline(text)
        assert (d.kind, d.date, d.recurrence) == (kind, when, recurrence)

    def test_the_first_time_phrase_is_the_tasks_own(self):
        d = deadline("kiểm tra; hoàn thành trong quý III/2022 và báo cáo kết quả trước ngày 15/10/2022")
        assert (d.kind, d.date, d.text) == ("date", date(2022, 9, 30), "hoàn thành trong quý III/2022")

    def test_rrules_and_month(self):
        assert deadline("định kỳ hằng năm trước ngày 15/12").rrule == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
        assert deadline("hằng tháng trước ngày 25").rrule == "FREQ=MONTHLY;BYMONTHDAY=25"
        assert deadline("hằng quý").rrule == "FREQ=MONTHLY;INTERVAL=3"
        assert deadline("trong tháng 8/2022").month == "2022-08"
        d = deadline("định kỳ hằng năm trước ngày 15/12")
        assert d.start == d.date == date(2023, 12, 15)

    @pytest.mark.parametrize("text", [
        "thu hồi các khoản chi thường xuyên chưa cần thiết", "bố trí ngân sách hàng năm đầu tư",
        "theo Quyết định số 08/2022/QĐ-TTg ngày 28/3/2022", "triển khai ngay", "số liệu quý II/2023",
    ])
    def test_not_deadlines(self, text):
        assert deadline(text).kind is None

    def test_words_kept_as_written_with_offsets(self):
        original = "Sở X rà soát, đảm bảo hoàn thành trong tháng 8/2022."
        d = find_deadline(normalize(original), date(2022, 5, 25))
        assert d.text == "hoàn thành trong tháng 8/2022"
        assert original[d.span[0]:d.span[1]] == d.text

    def test_year_comes_from_the_directive_or_today_or_the_cited_documents(self, registry):
        body = "\n\n1. Sở Nội vụ báo cáo trước ngày 15/12.\n"
        dated = parse_directive("Số: 1/UBND-NC\nHuế, ngày 2 tháng 3 năm 2024" + body)
        assert dated.tasks[0].deadline.date == date(2024, 12, 15)
        undated = "Thực hiện Kế hoạch số 5/KH-UBND ngày 3/1/2022 của UBND tỉnh:" + body
        assert parse_directive(undated).tasks[0].deadline.date == date(2022, 12, 15)
        assert parse_directive(undated, today=date(2025, 1, 1)).tasks[0].deadline.date == date(2025, 12, 15)


# --- references and targets ------------------------------------------------------------------

class TestReferences:
    def test_forms_dedup_and_issuers(self):
        mt = flatten(normalize(
            "Thực hiện Công văn số 3951/VPCP-KSTT ngày 20 tháng 5 năm 2020 của Văn phòng Chính phủ; "
            "Quyết định số 23/2021/QĐ-TTg ngày 07/7/2021 quy định …; Nghị quyết số 30/2021/QH15 của Quốc hội; "
            "Công điện số 431/CĐ-TTg; văn bản số 2307/LĐTBXH-VP ngày 19/7/2021 của Bộ Lao động – Thương binh "
            "và Xã hội; (đính kèm Công văn số 3951/VPCP-KSTT)"))
        refs = [r.to_json() for r in find_references(mt, Recognizer(None))]
        assert refs == [
            {"number": "3951/VPCP-KSTT", "type": "Công văn", "date": "2020-05-20", "issuer": "Văn phòng Chính phủ"},
            {"number": "23/2021/QĐ-TTg", "type": "Quyết định", "date": "2021-07-07", "issuer": "Thủ tướng Chính phủ"},
            {"number": "30/2021/QH15", "type": "Nghị quyết", "date": None, "issuer": "Quốc hội"},
            {"number": "431/CĐ-TTg", "type": "Công điện", "date": None, "issuer": "Thủ tướng Chính phủ"},
            {"number": "2307/LĐTBXH-VP", "type": "Công văn", "date": "2021-07-19",
             "issuer": "Bộ Lao động - Thương binh và Xã hội"},
        ]

    def test_party_document_numbers(self):
        mt = flatten(normalize("Thực hiện Chỉ thị số 37-CT/TW ngày 03/9/2019 của Ban Bí thư và Kế hoạch số "
                               "185-KH/TU ngày 03/01/2020 của Ban Thường vụ Tỉnh ủy"))
        refs = [(r.number, r.issuer) for r in find_references(mt, Recognizer(None))]
        assert refs == [("37-CT/TW", "Ban Bí thư"), ("185-KH/TU", "Ban Thường vụ Tỉnh ủy")]

    def test_the_directive_does_not_cite_itself(self):
        p = parse_directive("Số: 7/KH-UBND\nHuế, ngày 1 tháng 2 năm 2023\nTriển khai Kế hoạch số 7/KH-UBND này.")
        assert p.references == []


class TestTargets:
    def test_percent_targets_with_years(self):
        text = ("KẾ HOẠCH\nViệc làm\n\nI. MỤC TIÊU\n1. Mục tiêu cụ thể\n- Đến năm 2025: 80% người thất nghiệp "
                "được giới thiệu việc làm, trong đó có 60% được giới thiệu việc làm thành công; Chỉ số hài lòng "
                "đạt mức 85%.\n- Phấn đấu giảm tỷ lệ lao động trẻ em xuống dưới 1%.\n")
        targets = [t.to_json() for t in parse_directive(text).targets]
        assert targets == [
            {"indicator": "người thất nghiệp được giới thiệu việc làm", "value": 80, "unit": "%", "year": 2025},
            {"indicator": "được giới thiệu việc làm thành công", "value": 60, "unit": "%", "year": 2025},
            {"indicator": "Chỉ số hài lòng", "value": 85, "unit": "%", "year": 2025},
            {"indicator": "tỷ lệ lao động trẻ em", "value": 1, "unit": "%", "year": None},
        ]


def test_registry_entry_is_frozen_and_hashable():
    entry = AgencyEntry("STC", "Sở Tài chính")
    assert entry.aliases == () and entry.is_group is False
    with pytest.raises(Exception):
        entry.code = "X"
    assert hash(entry)
