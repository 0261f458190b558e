"""Printed paper and the organizer's pages, run by scripts/lib/web-test.py.

- The check-in poster printed by Chromium (Page.printToPDF, the page's own @page size): one A4 page
  (pdfinfo), its QR about 9 cm and the code's digits over 20 mm under print media; the QR decoded
  from the rendered page opens the check-in with the code filled in.
- The month's notice with ten teams printed: one A4 page; it names the community, the 公示期,
  where to object and has a line to sign.
- "本活动全部通过" on an activity with four pending records: two taps, the CLI witnesses every
  record approved and each volunteer's points; the page opens at the activity with the message there.
- The certificate in the page: the same number on reload, printed on one A4 page; "重新开一份" a new one.
Seeds its own people at run time through the CLI (ids read from its answers), after the shared seeds.
"""
import base64
import os
import re
import subprocess

from selenium.webdriver.common.by import By

MM = 25.4 / 96   # millimetres per CSS pixel


def pdf_pages(t, driver, name):
    """Prints the page with Chromium as a person would (the page's @page size and margins) to
    OUT/name.pdf; returns (pages, page size) as pdfinfo reads them."""
    data = driver.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})["data"]
    path = os.path.join(t.OUT, f"{name}.pdf")
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    size = re.search(r"^Page size:\s+(.*)$", info, re.M)
    return (int(pages.group(1)) if pages else 0), (size.group(1).strip() if size else "")


def in_print(driver, script):
    """Runs `script` with the page laid out for print (print media emulated), then back to screen."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        return driver.execute_script(script)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


def add_volunteer(t, name, phone, team):
    return t.cli("volunteer", "add", "--name", name, "--phone", phone, "--team", team, "--consent")["id"]


def run(t):
    by = t.cli("--as", "王德顺", "activity", "post", "--team", "T01", "--title", "重阳节敬老", "--start", "2026-12-01 14:00",
               "--end", "2026-12-01 16:00", "--place", "社区食堂")
    activity = by["id"]
    # Nine more teams with a volunteer and points this month: the notice lists ten teams.
    for i in range(2, 11):
        team_id = t.cli("team", "add", "--name", f"纸面{i}队")["id"]
        who = add_volunteer(t, f"孙{i}妹", f"1371111{i:04d}", team_id)
        t.cli("grant", who, "5", "--reason", "纸质台账结转", "--key", f"paper-notice-{i}")
    t.cli("config", "set", "notice.objection_contact", "玫瑰园社区居委会 010-5555-0100")
    helpers = [add_volunteer(t, name, phone, "T01") for name, phone in (("周玉兰", "13722220001"), ("吴秀珍", "13722220002"))]
    people = ["V0001", "V0002"] + helpers
    for who, minutes in zip(people, (120, 90, 60, 30)):
        t.cli("--as", "王德顺", "hours", "add", activity, who, "--minutes", str(minutes), "--note", "纸面")

    organizer = t.browser()
    try:
        t.sign_in(organizer, t.enrolment_code("王德顺"))
        # The poster: one A4 page, a 9 cm QR, the code's digits over 20 mm; the QR opens the check-in.
        organizer.get(t.BASE + f"/web/poster?activity={activity}")
        code = t.text(organizer, "#poster-code")
        t.check(organizer.find_elements(By.CSS_SELECTOR, "button[data-print]"), "the poster has a print button")
        png = t.visit(organizer, "paper-poster")
        link = t.decode_qr(png)
        t.check(link == f"{t.BASE}/web/checkin?activity={activity}&code={code}", f"the poster's QR, decoded from the page, links to the check-in ({link})")
        pages, size = pdf_pages(t, organizer, "paper-poster")
        t.check(pages == 1 and "A4" in size, f"the poster prints on one A4 page (pages {pages}, {size}; before: 2)")
        qr_mm, digits_mm = in_print(organizer, "var q=document.querySelector('.poster .qr').getBoundingClientRect();"
                                               "return [q.width, parseFloat(getComputedStyle(document.getElementById('poster-code')).fontSize)];")
        qr_mm, digits_mm = qr_mm * MM, digits_mm * MM
        # Digits are about 0.7 of the font's size tall: 30 mm type gives digits of about 21 mm.
        t.check(80 <= qr_mm <= 100 and digits_mm * 0.7 >= 20, f"printed, the QR is {qr_mm:.0f} mm wide and the code's type {digits_mm:.0f} mm (digits about {digits_mm * 0.7:.0f} mm)")
        phone = t.browser()
        try:
            t.sign_in(phone, t.enrolment_code(helpers[0]))
            phone.get(link)
            t.check(phone.find_element(By.ID, "f-code").get_attribute("value") == code, "the poster's link opens the check-in with its code filled in")
        finally:
            phone.quit()

        # Approve all of one activity: two taps, one confirmation; the CLI witnesses each record.
        before = {who: t.balance(who) for who in people}
        organizer.get(t.BASE + "/web/team")
        t.visit(organizer, "paper-desk")
        card = organizer.find_element(By.ID, f"act-{activity}")
        t.check("报名" in card.text and "已签到" in card.text and "待审核 4" in card.text.replace("\n", " "), f"the activity shows its counts ({card.text[:80]!r})")
        with t.journey("organizer: approve all of an activity (4 records)"):
            t.tap(organizer, card.find_element(By.CSS_SELECTOR, "details.approve-all summary"))
            t.tap(organizer, card.find_element(By.CSS_SELECTOR, "form[action='/web/team/approve-all'] button"))
        t.check(organizer.current_url.endswith(f"/web/team#act-{activity}"), f"back at the activity ({organizer.current_url})")
        message = t.text(organizer, f"#act-{activity} .notice")
        t.check("已全部通过" in message and "周玉兰" in message, f"the message is at the activity and names the volunteers ({message[:60]})")
        seen = organizer.execute_script(f"var r=document.querySelector('#act-{activity} .notice').getBoundingClientRect();return r.top>=0&&r.bottom<=innerHeight;")
        t.check(seen, "the message is on screen where she is, not at the top of the page")
        earned = {who: t.balance(who) - before[who] for who in people}
        statuses = {who: [r["record"]["status"] if "record" in r else r["status"] for r in t.cli("records", who)
                          if (r.get("record") or r).get("activity") == activity] for who in people}
        t.check(all(s == ["approved"] for s in statuses.values()) and earned == dict(zip(people, (20, 15, 10, 5))),
                f"the CLI sees all four approved, each earned once ({statuses}, {earned})")
        print("  taps for 'approve all of an activity' with 4 records: before 4 (one 通过 per record, the page back at its top after each), after 2", flush=True)

        # The month's notice with ten teams: one A4 page.
        admin = t.browser()
        try:
            t.sign_in(admin, t.enrolment_code("李主任"))
            admin.get(t.BASE + "/web/notice?month=2026-12")
            page = admin.find_element(By.TAG_NAME, "main").text
            rows = len(admin.find_elements(By.CSS_SELECTOR, "table.teams tbody tr"))
            t.check("玫瑰园社区" in page and "公示期" in page and "010-5555-0100" in page and "负责人签字" in page,
                    "the notice names the community, the publicity period, where to object, and has a line to sign")
            t.visit(admin, "paper-notice")
            pages, size = pdf_pages(t, admin, "paper-notice")
            t.check(rows == 10 and pages == 1 and "A4" in size, f"the notice with {rows} teams prints on one A4 page (pages {pages}, {size}; before: 2)")
            # Two teams more: a second page, each page's team table whole.
            for i in (11, 12):
                team = t.cli("team", "add", "--name", f"纸面{i}队")["id"]
                t.cli("grant", add_volunteer(t, f"孙{i}妹", f"1371111{i:04d}", team), "5", "--reason", "纸质台账结转", "--key", f"paper-notice-{i}")
            admin.get(t.BASE + "/web/notice?month=2026-12")
            tables = [len(e.find_elements(By.CSS_SELECTOR, "tbody tr")) for e in admin.find_elements(By.CSS_SELECTOR, "table.teams")]
            pages, _ = pdf_pages(t, admin, "paper-notice-12-teams")
            t.check(tables == [10, 2] and pages == 2, f"twelve teams print on two pages, ten and two ({tables}, pages {pages})")
        finally:
            admin.quit()
    finally:
        organizer.quit()

    # The certificate in the page: one number until she asks for a new one; one A4 page printed.
    phone = t.browser()
    try:
        t.sign_in(phone, t.enrolment_code(helpers[0]))
        phone.get(t.BASE + "/web/me/certificate")
        t.submit(phone, phone.find_element(By.CSS_SELECTOR, "form[action='/web/me/certificate'] button"))
        number = t.text(phone, "#cert-number")
        t.check(number and "重阳节敬老" in t.text(phone, ".certificate"), f"the certificate is in the page with its number ({number})")
        phone.get(t.BASE + "/web/me/certificate")
        t.check(t.text(phone, "#cert-number") == number, "reopened, the same certificate and number")
        phone.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 360, "height": 740, "deviceScaleFactor": 2, "mobile": True})
        try:
            wide, text_px = phone.execute_script("var c=document.querySelector('.certificate');"
                                                 "return [document.documentElement.scrollWidth-document.documentElement.clientWidth,"
                                                 "parseFloat(getComputedStyle(c.querySelector('p:not(.cert-org)')).fontSize)];")
        finally:
            phone.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        t.check(wide <= 1 and text_px >= 18, f"at 360 px the certificate fits the phone's width ({wide} px over) in {text_px:.0f} px text (before: a 980 px download, about 6 px text)")
        t.visit(phone, "paper-certificate")
        pages, size = pdf_pages(t, phone, "paper-certificate")
        t.check(pages == 1 and "A4" in size, f"the certificate prints on one A4 page (pages {pages}, {size})")
        t.submit(phone, phone.find_element(By.XPATH, "//form[@action='/web/me/certificate']//button[contains(., '重新开一份')]"))
        t.check(t.text(phone, "#cert-number") not in ("", number), "重新开一份 gives a new number")
    finally:
        phone.quit()
