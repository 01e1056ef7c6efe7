"""The directives a province issues over the year, as the JSON bodies of ``POST /api/v1/directives``.

Six shapes, mixed so that a directive fans out to ≈ 20 tasks on average, as a province's register
does: a letter to one or two agencies, a letter to every department, a plan with a task per
department, a directive to every district and commune, a large plan, and meeting conclusions.
Deadlines: a date (most), the end of a month, none (ongoing, with or without a periodic report) and
a few recurring reports. Texts are sentences of the seed directives, so the register search has the
words it would have (≈ 3 % of subjects speak of "hỗ trợ lao động").
"""

from __future__ import annotations

import datetime as dt
import random

from .org import HUYEN, SO_NGANH, XA, Province
from .seeds import seeds_dir

SUBJECTS = [
    "V/v triển khai chính sách hỗ trợ lao động mất việc làm",
    "V/v tăng cường các biện pháp phòng, chống dịch bệnh trên địa bàn tỉnh",
    "V/v đẩy mạnh giải ngân vốn đầu tư công năm {year}",
    "V/v thực hiện thủ tục hành chính trên môi trường điện tử",
    "V/v tổ chức các hoạt động chào mừng ngày lễ lớn",
    "V/v rà soát, báo cáo tình hình thực hiện nhiệm vụ được giao",
    "V/v tăng cường công tác phòng cháy, chữa cháy",
    "V/v triển khai Kế hoạch chuyển đổi số năm {year}",
    "V/v chuẩn bị nội dung phục vụ kỳ họp Hội đồng nhân dân tỉnh",
    "V/v tăng cường quản lý trật tự xây dựng, đất đai",
    "V/v bảo đảm an sinh xã hội, chăm lo Tết cho người có công",
    "V/v phòng, chống thiên tai và tìm kiếm cứu nạn",
    "V/v thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "V/v cải thiện chỉ số năng lực cạnh tranh cấp tỉnh (PCI)",
    "V/v thu ngân sách nhà nước và quản lý chi tiêu công",
    "V/v kiểm tra, xử lý vi phạm về an toàn thực phẩm",
    "V/v triển khai kết luận của Chủ tịch UBND tỉnh tại buổi làm việc",
    "V/v thực hiện Nghị quyết của Chính phủ về phát triển thị trường lao động",
    "V/v tăng cường hỗ trợ người lao động, người sử dụng lao động",
    "V/v sắp xếp, bố trí cán bộ sau sắp xếp đơn vị hành chính",
    "V/v bảo đảm trật tự an toàn giao thông dịp cuối năm",
    "V/v hỗ trợ lao động trở lại thị trường lao động, phục hồi sản xuất",
    "V/v thực hiện bảo hiểm xã hội tự nguyện, bảo hiểm y tế hộ gia đình",
    "V/v tổng kết năm học và chuẩn bị năm học mới",
]
TASK_VERBS = [
    "Chủ trì, phối hợp với các cơ quan liên quan triển khai thực hiện",
    "Rà soát, tổng hợp, báo cáo UBND tỉnh kết quả thực hiện",
    "Tham mưu UBND tỉnh ban hành kế hoạch triển khai",
    "Hướng dẫn, kiểm tra, đôn đốc việc thực hiện",
    "Tổ chức tuyên truyền, phổ biến rộng rãi",
    "Bố trí kinh phí, nguồn lực để thực hiện",
    "Kiểm tra, xử lý nghiêm các vi phạm về",
    "Đánh giá tình hình, đề xuất giải pháp tháo gỡ khó khăn về",
]
TOPICS = [
    "chính sách hỗ trợ lao động mất việc làm", "giải ngân vốn đầu tư công", "chuyển đổi số", "cải cách hành chính",
    "an toàn thực phẩm", "phòng cháy, chữa cháy", "an sinh xã hội", "xây dựng nông thôn mới", "quản lý đất đai",
    "thu ngân sách", "phòng, chống thiên tai", "bảo hiểm xã hội", "đào tạo nghề", "dịch vụ công trực tuyến",
]
KINDS = {"cv": "cong-van", "kh": "ke-hoach", "ct": "chi-thi", "tb": "thong-bao"}
# (shape, weight)
SHAPES = [("letter", 37), ("departments", 19), ("plan", 16), ("localities", 12), ("big_plan", 6), ("conclusions", 10)]


def _sentences() -> list[str]:
    out = []
    folder = seeds_dir()
    for path in sorted(folder.glob("*.txt")) if folder else ():
        for line in path.read_text(encoding="utf-8").splitlines():
            line = " ".join(line.split())
            if 60 < len(line) < 600 and not line.startswith(("Số:", "Kính gửi")):
                out.append(line)
    return out or ["Các cơ quan, đơn vị triển khai thực hiện nghiêm túc nội dung chỉ đạo của UBND tỉnh."]


class Drafter:
    """Draft bodies for one province: ``draft(rng, issued_on)`` → JSON body."""

    def __init__(self, province: Province):
        self.p = province
        self.sentences = _sentences()
        self.singles = province.departments + province.partners + province.districts
        self.shapes, self.weights = zip(*SHAPES)

    def draft(self, rng: random.Random, issued_on: dt.date) -> dict:
        shape = rng.choices(self.shapes, self.weights)[0]
        tasks = getattr(self, f"_{shape}")(rng, issued_on)
        kind = {"letter": "cv", "departments": "cv", "plan": "kh", "localities": "ct", "big_plan": "kh",
                "conclusions": "tb"}[shape]
        subject = rng.choice(SUBJECTS).format(year=issued_on.year)
        body = "\n".join(rng.sample(self.sentences, min(len(self.sentences), rng.randint(2, 6))))
        addressees = sorted({t["lead"] for t in tasks})
        return {
            "type": KINDS[kind], "issuer": self.p.issuer, "subject": subject, "body": body,
            "symbol": f"UBND-{rng.choice(['KGVX', 'KT', 'NC', 'TH'])}" if kind == "cv" else None,
            "signer": {"name": rng.choice(["Nguyễn Duy Hưng", "Trần Quốc Toản", "Đặng Ngọc Quỳnh", "Phạm Văn Nghiêm"]),
                       "capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"},
            "addressees": addressees, "copy_to": ["Lưu: VT"], "tasks": tasks,
        }

    # -- task lists of each shape ---------------------------------------------------------------

    def _task(self, rng, issued_on, paragraph: str, lead: str, coordinating=(), recurring_ok=False) -> dict:
        content = f"{rng.choice(TASK_VERBS)} {rng.choice(TOPICS)}; {rng.choice(self.sentences)[:300]}"
        return {"paragraph": paragraph, "content": content, "lead": lead,
                "coordinating": [c for c in coordinating if c != lead],
                "deadline": self._deadline(rng, issued_on, recurring_ok)}

    def _deadline(self, rng, issued_on: dt.date, recurring_ok: bool) -> dict:
        roll = rng.random()
        if recurring_ok and roll < 0.05:
            rule = rng.choice(["FREQ=MONTHLY;BYMONTHDAY=20", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15"])
            return {"kind": "recurring", "rrule": rule, "start": issued_on.isoformat(),
                    "end": (issued_on + dt.timedelta(days=365)).isoformat(), "text": "Báo cáo định kỳ"}
        if roll < 0.68:
            due = issued_on + dt.timedelta(days=rng.choice([7, 10, 15, 20, 30, 30, 45, 60, 60, 90, 120, 180]))
            while due.weekday() >= 5:
                due += dt.timedelta(days=1)
            return {"kind": "date", "date": due.isoformat()}
        if roll < 0.82:
            month = issued_on.month + rng.randint(1, 4)
            year = issued_on.year + (month - 1) // 12
            return {"kind": "month", "month": f"{year:04d}-{(month - 1) % 12 + 1:02d}"}
        return {"kind": "ongoing", "text": "Thường xuyên"}

    def _code(self, local):
        return self.p.code(local)

    def _others(self, rng, k):
        return [self._code(c) for c in rng.sample(self.singles, k)]

    def _letter(self, rng, issued_on):
        return [self._task(rng, issued_on, str(i + 1), self._code(rng.choice(self.singles)),
                           self._others(rng, rng.randint(0, 2)), recurring_ok=True)
                for i in range(rng.choice([1, 1, 2, 3]))]

    def _departments(self, rng, issued_on):
        return [self._task(rng, issued_on, str(i + 1), self.p.group(SO_NGANH)) for i in range(rng.choice([1, 1, 2]))]

    def _plan(self, rng, issued_on):
        leads = rng.sample(self.p.departments + self.p.partners, rng.randint(5, 10))
        tasks = [self._task(rng, issued_on, f"{i + 1}", self._code(lead), self._others(rng, rng.randint(1, 3)),
                            recurring_ok=True) for i, lead in enumerate(leads)]
        tasks.append(self._task(rng, issued_on, str(len(tasks) + 1), self.p.group(HUYEN)))
        return tasks

    def _localities(self, rng, issued_on):
        tasks = [self._task(rng, issued_on, str(i + 1), self.p.group(HUYEN), [self._code("SNV")])
                 for i in range(rng.randint(2, 3))]
        tasks.append(self._task(rng, issued_on, str(len(tasks) + 1), self.p.group(XA)))
        return tasks

    def _big_plan(self, rng, issued_on):
        groups = [self.p.group(SO_NGANH), self.p.group(HUYEN), self.p.group(XA)]
        return [self._task(rng, issued_on, f"{i // 3 + 1}.{i % 3 + 1}", groups[i % 3]) for i in range(rng.randint(6, 10))]

    def _conclusions(self, rng, issued_on):
        return [self._task(rng, issued_on, str(i + 1), self._code(rng.choice(self.singles)),
                           self._others(rng, rng.randint(0, 3))) for i in range(rng.randint(2, 5))]
