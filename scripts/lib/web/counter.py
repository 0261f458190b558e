"""The merchant's counter at 1280x800, and its pages' sizes.

A bakery (街角面包房) and its customer (钱美华), seeded by web-test.sh and found here by name. The CLI
issues her pay codes (as her phone would) and witnesses every balance. Journeys, with taps and typed
characters counted:
  - redeem an offer: the code typed, then at most 3 taps (下一步, 确认); the code field and the submit
    button are on the first screen at 1280x800 and on a 390x844 phone;
  - a refused code: the page says why in a person's words and keeps the typed code;
  - Back after a receipt: an HTML 200 page, no form sent again (the balance is unchanged);
  - a double tap on 确认 redeems once;
  - hand over a hold from the open holds (by the customer's masked name, 钱*华: she has not consented
    to share her name with merchants), refund today's receipt from the list;
  - the camera button: hidden where the browser has no BarcodeDetector, and where it has one (a
    stand-in detector and camera), a scan fills the code and redeems by the QR's secret.
"""
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

WIDE = (1280, 800)
PHONE = (390, 844)

# A stand-in for a browser that can scan: a BarcodeDetector that "sees" the secret the test puts in
# sessionStorage, and a camera that is a blank canvas.
FAKE_SCANNER = """
window.BarcodeDetector = function(){};
window.BarcodeDetector.getSupportedFormats = function(){ return Promise.resolve(['qr_code']); };
window.BarcodeDetector.prototype.detect = function(){
  var s = sessionStorage.getItem('fake-qr'); return Promise.resolve(s ? [{rawValue: s}] : []); };
if (!navigator.mediaDevices) { Object.defineProperty(navigator, 'mediaDevices', {value: {}}); }
navigator.mediaDevices.getUserMedia = function(){
  var c = document.createElement('canvas'); c.width = 8; c.height = 8; c.getContext('2d').fillRect(0, 0, 8, 8);
  return Promise.resolve(c.captureStream()); };
"""


def _id(rows, name):
    return next(r["id"] for r in rows if r["name"] == name)


def _masked(text):
    """The customer as the counter may show her: 钱*华, never 钱美华 (she gave no consent to share
    her name with merchants, PIPL art. 23)."""
    return "钱*华" in text and "钱美华" not in text


def _box(d, css):
    """[top, bottom, viewport height] of the first element matching css, or None."""
    return d.execute_script("""var e=document.querySelector(arguments[0]); if(!e) return null;
        var r=e.getBoundingClientRect(); return [r.top, r.bottom, window.innerHeight];""", css)


def _on_first_screen(t, d, size, where):
    d.set_window_size(*size)
    d.get(t.BASE + "/web/counter")
    field, button = _box(d, "#f-code"), _box(d, "#take button[type=submit]")
    t.check(field and button and button[1] <= button[2] and field[1] <= field[2],
            f"the code field and 下一步 are on the first screen at {where} (button bottom {button and round(button[1])} of {button and button[2]} px)")
    t.check(d.switch_to.active_element.get_attribute("id") == "f-code", f"the code field has the focus at {where}: type at once")


def _sign_in(t, d, person):
    d.get(t.BASE + "/web")
    d.find_element(By.ID, "f-code").send_keys(t.enrolment_code(person))
    t.submit(d, d.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def _last_journey(t):
    return t.journeys[-1] if t.journeys else ("", 99, 99)


def run(t):
    merchant = _id(t.cli("merchant", "list"), "街角面包房")
    customer = _id(t.cli("volunteer", "list"), "钱美华")

    def pay_code():
        return t.cli("code", customer, "--as", customer)

    d = t.browser()
    try:
        d.set_window_size(*WIDE)
        _sign_in(t, d, merchant)
        t.check(d.current_url.endswith("/web/counter"), "the bakery signs in to its counter")
        _on_first_screen(t, d, PHONE, "390x844")
        _on_first_screen(t, d, WIDE, "1280x800")
        scan = d.find_element(By.CSS_SELECTOR, "[data-scan]")
        has_detector = d.execute_script("return 'BarcodeDetector' in window")
        if not has_detector:
            t.check(not scan.is_displayed(), "no BarcodeDetector in this browser: the camera button is truly hidden")
        t.visit(d, "counter-wide")
        d.set_window_size(*WIDE)

        # Redeem an offer: the code typed, then 下一步 and 确认.
        before = t.balance(customer)
        code = pay_code()["code"]
        with t.journey("counter: redeem an offer (after the code)"):
            d.get(t.BASE + "/web/counter")
            t.type(d.find_element(By.ID, "f-code"), code)
            t.tap(d, d.find_element(By.CSS_SELECTOR, "#take button[type=submit]"))
            t.check(d.current_url.endswith("/web/counter/check") and "全麦面包" in t.text(d, "#confirm-title"),
                    "下一步 shows the check page (a GET) with the offer big")
            t.tap(d, d.find_element(By.ID, "confirm"))
        _, taps, typed = _last_journey(t)
        t.check(taps <= 3, f"the merchant redeems in at most 3 taps after typing the code ({taps} taps, {typed} characters)")
        receipt = t.text(d, "#receipt")
        t.check(re.fullmatch(r"R\d+", receipt) is not None and d.current_url.endswith("/web/counter/receipt/" + receipt),
                f"the receipt has its own address ({receipt})")
        t.check(t.balance(customer) == before - 20, f"the CLI sees 20 taken ({before} → {t.balance(customer)})")
        t.check(_masked(t.text(d, "#receipt-customer")), "the receipt names the customer as 钱*华 (no consent to share her name)")
        t.visit(d, "counter-receipt")
        d.set_window_size(*WIDE)
        # Back: the check page again by GET, nothing to confirm, nothing asked, nothing taken.
        d.get(t.BASE + "/web/counter/receipt/" + receipt)
        d.back()
        time.sleep(0.5)
        status = d.execute_script("var n=performance.getEntriesByType('navigation')[0];return n?n.responseStatus:0")
        t.check(status == 200 and not d.find_elements(By.ID, "main-frame-error") and d.find_elements(By.CSS_SELECTOR, "main h1"),
                f"Back after the receipt gives a page (HTML {status}), no form sent again")
        d.back()
        time.sleep(0.5)
        status = d.execute_script("var n=performance.getEntriesByType('navigation')[0];return n?n.responseStatus:0")
        t.check(status == 200 and not d.find_elements(By.ID, "main-frame-error") and not d.find_elements(By.ID, "confirm"),
                f"Back again (to the used check) gives the counter's form, not a second 确认 (HTML {status})")
        t.check(t.balance(customer) == before - 20, "going Back took nothing more")

        # A double tap on 确认 redeems once.
        before = t.balance(customer)
        code = pay_code()["code"]
        d.get(t.BASE + "/web/counter")
        d.find_element(By.ID, "f-code").send_keys(code)
        t.submit(d, d.find_element(By.CSS_SELECTOR, "#take button[type=submit]"))
        d.execute_script("var b=document.getElementById('confirm'); b.click(); setTimeout(function(){ b.click(); }, 30);")
        WebDriverWait(d, 20).until(lambda x: "/web/counter/receipt/" in x.current_url)
        time.sleep(1)
        t.check(t.balance(customer) == before - 20, f"a double tap on 确认 takes 20 once ({before} → {t.balance(customer)})")

        # A refused code: said in a person's words, the typed code kept.
        before = t.balance(customer)
        with t.journey("counter: a refused code"):
            d.get(t.BASE + "/web/counter")
            t.type(d.find_element(By.ID, "f-code"), "000123")
            t.tap(d, d.find_element(By.CSS_SELECTOR, "#take button[type=submit]"))
            t.tap(d, d.find_element(By.ID, "confirm"))
        said = t.notice(d)
        t.check("没有办成" in said and "出示付款码" in said and "jifen" not in said and "--" not in said,
                f"the refusal says what the customer taps, no command: {said[:80]}")
        t.check(d.find_element(By.ID, "f-code").get_attribute("value") == "000123", "the typed code is kept after the refusal")
        button = _box(d, "#take button[type=submit]")
        t.check(button and button[1] <= button[2], "with the refusal on top, 下一步 is still on the first screen")
        t.check(t.balance(customer) == before, "the refused code changed nothing")
        t.visit(d, "counter-refused")
        d.set_window_size(*WIDE)

        # A hold, handed over from the open holds by the customer's name: one tap.
        code = pay_code()["code"]
        d.get(t.BASE + "/web/counter")
        d.find_element(By.ID, "f-code").send_keys(code)
        d.find_elements(By.CSS_SELECTOR, "input[name=offer]")[1].click()     # 生日蛋糕, 80
        t.submit(d, d.find_element(By.CSS_SELECTOR, "#take button[type=submit]"))
        t.submit(d, d.find_element(By.CSS_SELECTOR, "button[name=hold]"))
        held = t.text(d, "#receipt")
        t.check(t.cli("balance", customer)["held"] == 80, f"a hold of 80 is made ({held})")
        before = t.balance(customer)
        with t.journey("counter: hand over a hold"):
            d.get(t.BASE + "/web/counter")
            row = d.find_element(By.ID, f"hold-{held}")
            t.check(_masked(row.text) and "生日蛋糕" in row.text, f"the open hold shows the customer's name ({row.text[:40]})")
            t.visit(d, "counter-holds")
            d.set_window_size(*WIDE)
            row = d.find_element(By.ID, f"hold-{held}")
            t.tap(d, row.find_element(By.CSS_SELECTOR, "button.primary"))
        got = t.cli("balance", customer)
        t.check("已交付" in t.notice(d) and got["held"] == 0 and got["balance"] == before - 80,
                f"交付 hands it over: nothing held, 80 taken (balance {before} → {got['balance']})")

        # Refund today's first receipt from the list: tap it, a reason, 退回积分.
        before = t.balance(customer)
        with t.journey("counter: refund today's receipt"):
            d.get(t.BASE + "/web/counter")
            link = d.find_element(By.CSS_SELECTOR, f"#today a[href='/web/counter/receipt/{receipt}']")
            t.check(_masked(link.text), f"today's list names the customer ({link.text[:40]})")
            t.tap(d, link)
            t.tap(d, d.find_element(By.CSS_SELECTOR, "label[for='f-why-0'], #f-why-0"))
            t.tap(d, d.find_element(By.CSS_SELECTOR, "#refund button[type=submit]"))
        t.check("已退回 20 分" in t.notice(d) and t.balance(customer) == before + 20,
                f"the refund gives 20 back ({before} → {t.balance(customer)})")
        t.visit(d, "counter-refunded")
    finally:
        d.quit()

    # Where the browser can scan (a stand-in detector and camera), the button shows and fills the code.
    s = t.browser()
    try:
        s.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": FAKE_SCANNER})
        s.set_window_size(*WIDE)
        _sign_in(t, s, merchant)
        issued = pay_code()
        s.execute_script("sessionStorage.setItem('fake-qr', arguments[0])", issued["secret"])
        before = t.balance(customer)
        with t.journey("counter: redeem by scanning the QR"):
            s.get(t.BASE + "/web/counter")
            scan = s.find_element(By.CSS_SELECTOR, "[data-scan]")
            t.check(scan.is_displayed(), "with a BarcodeDetector the camera button shows")
            t.tap(s, scan)
            WebDriverWait(s, 10).until(lambda x: x.find_element(By.ID, "f-code").get_attribute("value"))
            t.check(s.switch_to.active_element.get_attribute("type") == "submit", "after the scan, 下一步 has the focus")
            t.tap(s, s.find_element(By.CSS_SELECTOR, "#take button[type=submit]"))
            t.check("已扫码" in t.text(s, "main"), "the check page says scanned, never echoes the secret")
            t.tap(s, s.find_element(By.ID, "confirm"))
        t.check(t.balance(customer) == before - 20 and re.fullmatch(r"R\d+", t.text(s, "#receipt") or "") is not None,
                f"the scanned QR redeems ({before} → {t.balance(customer)})")
    finally:
        s.quit()
