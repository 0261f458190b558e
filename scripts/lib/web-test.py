#!/usr/bin/env python3
"""The web pages of `jifen serve` in a real browser (run by scripts/lib/web-test.sh).

Debian's chromium, headless, at phone size (390x844), driven by Selenium; axe-core through
axe-selenium-python on every page; zbarimg reads the QR codes from the screenshots. The CLI
(on the same database) is the witness: balances are read with `jifen balance`, never from the page.

Journeys:
  1. a volunteer signs in with an enrolment code, sees the balance the CLI reports, shows a pay
     code; the QR in the screenshot decodes to its 128-bit secret (26 characters), not the digits;
  2. the merchant's counter redeems the scanned secret (offer and points shown big, confirm, receipt number);
     the volunteer's page then shows the new balance, as the CLI does;
  3. refused redemptions (a used code, the code's ceiling, not enough points, the budget of wrong codes spent) say why on the
     counter page and change nothing (balance by the CLI);
  4. a refund from a receipt, a hold handed over;
  5. the organizer's check-in poster: its QR decodes to a link that checks the volunteer in;
     a pending record approved from the organizer's page;
  6. the admin's page (verify) and the month's public notice; the English switch;
  7. wrong enrolment codes until the sign-in guard locks the address out (429), said on the page.
Every page: a screenshot, its bytes (HTML as sent, and the static files), axe-core 4.x's violations
(the axe.min.js that axe-playwright-python bundles, injected with Selenium), reopening its address
gives HTML 200 (never JSON), and no horizontal scrolling at 200 % zoom on a 360 px phone.

Then every module in scripts/lib/web/ (not starting with "_") runs: `run(t)` with this module as `t`.
Persona journeys there count taps and typed characters (`with t.journey(name):`, `t.tap`, `t.type`);
the figures are printed at the end and written to journeys.tsv.
"""
import contextlib
import glob
import http.client
import importlib.util
import urllib.parse
import argparse
import json
import os
import re
import subprocess
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--base", required=True)
parser.add_argument("--jifen", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()
BASE, OUT = args.base, args.out

results = []      # (check, ok)
journeys = []     # (name, taps, typed characters)
_current = []     # the journey being counted: [taps, characters]
pages = []        # (name, path, html bytes)
axe_report = {}   # name -> [violations]


def check(ok, what):
    results.append((what, bool(ok)))
    print(("  ok   " if ok else "  FAIL ") + what, flush=True)
    return ok


def cli(*argv):
    done = subprocess.run([args.jifen, "--json", *argv], capture_output=True, text=True, env=os.environ)
    if done.returncode != 0:
        raise RuntimeError(f"jifen {' '.join(argv)}: {done.stderr}")
    return json.loads(done.stdout) if done.stdout.strip() else None


def enrolment_code(person):
    return cli("credential", "issue", person, "--enrolment", "--label", "web-test")["secret"]


def balance(account):
    return cli("balance", account)["balance"]


def browser():
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=390,844", "--lang=zh-CN", "--force-device-scale-factor=1"):
        options.add_argument(flag)
    options.add_experimental_option("prefs", {"intl.accept_languages": "zh-CN,zh"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    return driver


def decode_qr(png):
    done = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", png], capture_output=True, text=True)
    return done.stdout.strip()


# Words of the terminal, the API or the code that no page may show (Sources/JifenWeb/PlainWords.swift),
# and (checked apart) a bare volunteer id where her name belongs.
INTERNAL = ["jifen ", "--", "review:", "list 命令", "list command", "Idempotency-Key", "pg_dump", "config show"]

AXE_JS = None


def axe(driver):
    """axe-core 4.x on the page the driver shows (wcag2a/aa, best practices)."""
    global AXE_JS
    if AXE_JS is None:
        spec = importlib.util.find_spec("axe_playwright_python")
        AXE_JS = open(os.path.join(spec.submodule_search_locations[0], "axe.min.js")).read()
    driver.execute_script(AXE_JS)
    driver.set_script_timeout(60)
    return driver.execute_async_script(
        "var done=arguments[arguments.length-1];axe.run(document,{resultTypes:['violations']}).then(done,function(e){done({violations:[],error:String(e)})});")


def reopen(driver):
    """GETs the address the driver shows, with its cookies but not a form's notice: (status, content type)."""
    url = urllib.parse.urlsplit(driver.current_url)
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies() if c["name"] != "jf_flash")
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        connection.request("GET", url.path + ("?" + url.query if url.query else ""), headers={"Cookie": cookie, "Accept-Language": "zh-CN"})
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheader("Content-Type") or ""
    finally:
        connection.close()


def overflow_at_200(driver):
    """Pixels of horizontal scrolling at 200 % zoom on a 360 px phone (a 180 px CSS viewport)."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": 180, "height": 370, "deviceScaleFactor": 2, "mobile": False})
    try:
        time.sleep(0.1)
        return driver.execute_script("""
            var d=document.documentElement, over=d.scrollWidth-d.clientWidth, wide=[];
            if (over > 1) document.querySelectorAll('body *').forEach(function(e){
              var r=e.getBoundingClientRect(); if (r.right > d.clientWidth+1 && wide.length < 3) wide.push(e.tagName+'.'+e.className+' '+Math.round(r.right));
            });
            return [over, wide];""")
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


@contextlib.contextmanager
def journey(name):
    """Counts the taps and typed characters of one person's task (`tap`, `type` inside it)."""
    _current[:] = [0, 0]
    yield
    journeys.append((name, _current[0], _current[1]))
    print(f"  journey {name}: {_current[0]} taps, {_current[1]} typed characters", flush=True)


def tap(driver, element):
    """A tap that may post a form: clicks and waits for the next page when one comes."""
    if _current:
        _current[0] += 1
    try:   # a tap that stays on the page (a script's action) does not navigate
        submit(driver, element, seconds=3)
    except Exception:
        pass


def type(element, text):
    """Types into a field, counting the characters."""
    if _current:
        _current[1] += len(text)
    element.send_keys(text)


def visit(driver, name, reopen_check=True):
    """Measures, photographs and axe-checks the page the driver shows; reopening its address
    gives HTML 200 (pass reopen_check=False where a GET has an effect, e.g. a new pay code);
    no horizontal scrolling at 200 % zoom on 360 px."""
    if reopen_check:
        status, kind = reopen(driver)
        check(status == 200 and kind.startswith("text/html"), f"reopening {name} gives an HTML page ({status} {kind})")

    size = driver.execute_script(
        "var n=performance.getEntriesByType('navigation')[0];return n?[n.decodedBodySize,n.transferSize]:[0,0];")
    html = size[0] or len(driver.page_source.encode())
    path = driver.current_url.replace(BASE, "")
    pages.append((name, path, html))
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(390, max(844, min(height + 140, 6000)))
    png = os.path.join(OUT, f"{name}.png")
    driver.save_screenshot(png)
    driver.set_window_size(390, 844)
    # What axe-core 3.1 (bundled with axe-selenium-python) does not check: base font and tap targets.
    small = driver.execute_script("""
        var out=[], base=parseFloat(getComputedStyle(document.body).fontSize);
        if (base < 18) out.push('base font ' + base + 'px');
        document.querySelectorAll('a,button,input:not([type=hidden]),select,summary').forEach(function(e){
          var r=e.getBoundingClientRect(); if (!r.width || !r.height) return;
          if ((e.type==='radio'||e.type==='checkbox') && e.closest('label')) r=e.closest('label').getBoundingClientRect();
          if (r.height < 44 || r.width < 44) out.push(e.outerHTML.slice(0,60)+' '+Math.round(r.width)+'x'+Math.round(r.height));
        });
        return out;""")
    check(not small, f"base font >= 18px and every tap target >= 44px on {name} " + (json.dumps(small, ensure_ascii=False) if small else ""))
    report = axe(driver)
    serious = [v for v in report["violations"] if v.get("impact") in ("serious", "critical")]
    axe_report[name] = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]),
                         "help": v["help"]} for v in report["violations"]]
    check(not serious, f"axe: no serious or critical violation on {name} "
          + (json.dumps([(v['id'], v['impact'], [n['html'][:80] for n in v['nodes'][:2]]) for v in serious], ensure_ascii=False) if serious else ""))
    shown = driver.execute_script("return document.body.innerText")
    inside = [t for t in INTERNAL if t in shown] + re.findall(r"(?<![A-Za-z0-9])V\d{4}(?!\d)", shown)[:3]
    check(not inside, f"no internal words on {name} {inside if inside else ''}")
    over, wide = overflow_at_200(driver)
    check(over <= 1, f"no horizontal scrolling on {name} at 200 % zoom on 360 px ({over} px {wide})")
    return png


def submit(driver, element, seconds=20):
    """Clicks a button that posts a form, and waits for the answer's page."""
    driver.execute_script("window.__before = 1")
    element.click()

    def answered(d):
        try:
            return d.execute_script("return window.__before === undefined && document.readyState === 'complete'")
        except Exception:   # the old page is going away
            return False
    WebDriverWait(driver, seconds).until(answered)


def text(driver, css):
    found = driver.find_elements(By.CSS_SELECTOR, css)
    return found[0].text if found else ""


def number(driver, css):
    m = re.search(r"-?\d+", text(driver, css))
    return int(m.group()) if m else None


def notice(driver):
    return text(driver, ".notice")


def sign_in(driver, code):
    driver.get(BASE + "/web")
    driver.find_element(By.ID, "f-code").send_keys(code)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def take_code(counter, code, offer_index=0):
    """The clerk types the code, picks an offer, checks it, confirms."""
    counter.get(BASE + "/web/counter")
    counter.find_element(By.ID, "f-code").send_keys(code)
    counter.find_elements(By.CSS_SELECTOR, "input[name=offer]")[offer_index].click()
    submit(counter, counter.find_element(By.CSS_SELECTOR, "form[action='/web/counter/confirm'] button[type=submit]"))


def confirm(counter):
    submit(counter, counter.find_element(By.ID, "confirm"))


def pay_code(phone, ceiling=None):
    phone.get(BASE + "/web/me")
    submit(phone, phone.find_element(By.CSS_SELECTOR, "#show-code button"))
    if ceiling is not None:
        field = phone.find_element(By.ID, "f-max_points")
        field.clear()
        field.send_keys(str(ceiling))
        submit(phone, phone.find_element(By.CSS_SELECTOR, "#refresh button"))
    return re.sub(r"\D", "", text(phone, "#pay-code"))


phone = browser()
counter = browser()
try:
    print("web-test: 1. the volunteer signs in and shows a pay code", flush=True)
    phone.get(BASE + "/web")
    check("登录" in phone.title, "an unknown phone gets the sign-in page (in Chinese)")
    visit(phone, "signin")
    sign_in(phone, enrolment_code("V0001"))
    check(phone.current_url.endswith("/web/me"), "the enrolment code signs the volunteer in")
    cookies = {c["name"]: c for c in phone.get_cookies()}
    check("jf" in cookies and cookies["jf"]["httpOnly"] and cookies["jf"].get("sameSite") == "Strict",
          "the credential is kept in an HttpOnly, SameSite=Strict cookie")
    check(number(phone, "#balance .n") == balance("V0001") == 100, "the page shows the balance the CLI reports (100)")
    visit(phone, "volunteer")
    code = pay_code(phone)
    check(re.fullmatch(r"\d{6}", code) is not None, f"a six-digit pay code is shown ({code})")
    check("只能用一次" in notice(phone), "what the code allows is said in words")
    png = visit(phone, "paycode")
    scanned = decode_qr(png)
    check(re.fullmatch(r"[A-Z2-7]{26}", scanned or "") is not None, f"the QR code in the screenshot decodes to a 128-bit secret, not the digits ({len(scanned or '')} characters)")
    check("200" in text(phone, "#pay-ceiling"), "the code's ceiling (codes.max_points, 200) is shown")
    time.sleep(2.5)
    check(text(phone, "[data-remaining] .left") not in ("", "5:00"), f"the script counts down ({text(phone, '[data-remaining] .left')} left)")

    print("web-test: 2. the merchant's counter redeems it", flush=True)
    sign_in(counter, enrolment_code("M001"))
    check(counter.current_url.endswith("/web/counter"), "the merchant signs in to the counter page")
    visit(counter, "counter")
    take_code(counter, scanned, 0)
    check("理发一次" in text(counter, "#confirm-title") and "30" in text(counter, "#confirm-points"),
          "the counter shows the offer and its points big before confirming")
    check(balance("V0001") == 100, "nothing is taken before the clerk confirms")
    visit(counter, "confirm")
    confirm(counter)
    receipt = text(counter, "#receipt")
    check(receipt == "R001", f"the receipt has its number ({receipt})")
    visit(counter, "receipt")
    phone.get(BASE + "/web/me")
    check(number(phone, "#balance .n") == balance("V0001") == 70, "the volunteer's page then shows 70, as the CLI does")
    check("兑换 理发一次" in text(phone, "#movements") and "−30" in text(phone, "#movements"),
          "the movement is said in plain words (在 老街理发店 兑换 理发一次 −30)")

    print("web-test: 3. refused redemptions say why and change nothing", flush=True)
    take_code(counter, code, 0)
    confirm(counter)
    check("没有办成" in notice(counter) and balance("V0001") == 70, f"a used code is refused: {notice(counter)[:60]}")
    visit(counter, "refused-used-code")
    code2 = pay_code(phone)
    take_code(counter, code2, 1)
    confirm(counter)
    check("最多只能兑换 200 分" in notice(counter) and balance("V0001") == 70, f"the dear offer (500) is over the code's ceiling (200): {notice(counter)[:60]}")
    code2 = pay_code(phone, ceiling=600)
    take_code(counter, code2, 1)
    check("500" in text(counter, "#confirm-points"), "the dear offer shows 500 points")
    confirm(counter)
    check("没有办成" in notice(counter) and balance("V0001") == 70, f"not enough points is refused: {notice(counter)[:60]}")
    visit(counter, "refused-not-enough")

    print("web-test: 4. a refund from the receipt, a hold handed over", flush=True)
    counter.get(BASE + "/web/counter/receipt/R001")   # the receipt page (the counter lists it under today's)
    counter.find_element(By.ID, "f-refund-p").send_keys("10")
    counter.find_element(By.ID, "f-refund-why").send_keys("少剪了刘海")
    submit(counter, counter.find_element(By.CSS_SELECTOR, "form[action='/web/counter/refund'] button"))
    check("已退回 10 分" in notice(counter) and balance("V0001") == 80, "a refund of 10 from receipt R001 gives them back (80)")
    code3 = pay_code(phone)
    take_code(counter, code3, 0)
    submit(counter, counter.find_element(By.CSS_SELECTOR, "button[name=hold]"))
    held = text(counter, "#receipt")
    check(held == "R002" and cli("balance", "V0001")["held"] == 30, f"a hold is made ({held}, 30 held)")
    counter.get(BASE + "/web/counter")   # the hold is listed by the customer's name: one tap
    submit(counter, counter.find_element(By.CSS_SELECTOR, f"#hold-{held} form[action='/web/counter/pickup'] button.primary"))
    check("已交付" in notice(counter) and balance("V0001") == 50 and cli("balance", "V0001")["held"] == 0, "the hold is handed over (50 left)")
    check(number(counter, "#takings .n") == 60 and number(counter, "#unsettled .n") == 50,
          "today's takings (60) and what settlement pays (60 − 10 refunded = 50)")

    print("web-test: 3b. the budget of wrong codes (10 a day; the used code was one) stops the counter; nothing changes", flush=True)
    before = balance("V0001")
    for i in range(9):
        take_code(counter, f"00000{i}", 0)
        confirm(counter)
    last = notice(counter)
    check("没有办成" in last and ("暂停" in last or "stopped" in last), f"the tenth wrong code is refused with the stop said: {last[:80]}")
    visit(counter, "refused-wrong-codes")
    code4 = pay_code(phone)
    take_code(counter, code4, 0)
    confirm(counter)
    check("没有办成" in notice(counter) and balance("V0001") == before, "while locked, even a right code is refused; the balance is unchanged")

    print("web-test: 5. the organizer's check-in poster and pending hours", flush=True)
    counter.delete_all_cookies()
    sign_in(counter, enrolment_code("王德顺"))
    check(counter.current_url.endswith("/web/team"), "the organizer signs in to the team page")
    visit(counter, "team")
    counter.get(BASE + "/web/poster?activity=A0001")
    poster_code = text(counter, "#poster-code")
    check(re.fullmatch(r"\d+", poster_code) is not None, f"the poster shows the check-in code in large digits ({poster_code})")
    png = visit(counter, "poster")
    link = decode_qr(png)
    check(link.startswith(BASE + "/web/checkin?activity=A0001&code=" + poster_code), f"the poster's QR decodes to the check-in link ({link})")
    phone.get(link)
    check(phone.find_element(By.ID, "f-code").get_attribute("value") == poster_code, "the link opens the check-in page with the code filled in")
    visit(phone, "checkin")
    submit(phone, phone.find_element(By.CSS_SELECTOR, "form[action='/web/checkin'] button"))
    check("签到成功" in notice(phone), f"the volunteer is checked in: {notice(phone)[:40]}")
    people = cli("activity", "show", "A0001")["participants"]
    check(any(p["volunteer"] == "V0001" and p.get("checkin") for p in people), "the CLI sees the check-in")
    counter.get(BASE + "/web/team")
    v2 = balance("V0002")
    submit(counter, counter.find_element(By.CSS_SELECTOR, "form[action='/web/team/approve'] button"))
    check("已通过" in notice(counter) and balance("V0002") > v2, f"a pending record is approved from the page (V0002 {v2} → {balance('V0002')})")

    print("web-test: 6. the admin's page, the public notice, English", flush=True)
    counter.delete_all_cookies()
    sign_in(counter, enrolment_code("李主任"))
    check(counter.current_url.endswith("/web/admin") and "账本完整无误" in notice(counter), "the admin's page shows verify's result")
    visit(counter, "admin")
    counter.get(BASE + "/web/notice?month=2026-12")
    check("积分公示" in counter.title, "the month's public notice opens, printable")
    visit(counter, "notice")
    phone.get(BASE + "/web/lang?to=en&back=/web/me")
    check("My points" in phone.title and number(phone, "#balance .n") == balance("V0001"), "the switch shows the page in English")
    visit(phone, "volunteer-en")

    print("web-test: 7. wrong enrolment codes stop the device (10 per sign-in cookie), not the room", flush=True)
    stranger = counter
    stranger.delete_all_cookies()
    tries = 0
    for tries in range(1, 13):
        sign_in(stranger, f"ZZZZ-ZZ{tries:02d}")
        if "输错的次数太多" in notice(stranger):
            break
    check("输错的次数太多" in notice(stranger) and tries == 11, f"after {tries} wrong codes (10 allowed per device) the page says the device is locked out")
    visit(stranger, "locked-out")
    # Each part's journeys (scripts/lib/web/*.py), on their own browsers and people.
    this = sys.modules[__name__]
    for path in sorted(glob.glob(os.path.join(os.path.dirname(os.path.abspath(__file__)), "web", "*.py"))):
        if os.path.basename(path).startswith("_"):
            continue
        part = os.path.basename(path)[:-3]
        print(f"web-test: {part}", flush=True)
        spec = importlib.util.spec_from_file_location(f"webpart_{part}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        try:
            module.run(this)
        except Exception as error:   # one part's crash is its failure, the others still run
            import traceback
            traceback.print_exc()
            check(False, f"{part}: the journey ran to its end ({error.__class__.__name__}: {error})")
except Exception:
    for name, driver in (("phone", phone), ("counter", counter)):
        with open(os.path.join(OUT, f"failed-{name}.html"), "w") as f:
            f.write(driver.current_url + "\n" + driver.page_source)
    raise
finally:
    phone.quit()
    counter.quit()

with open(os.path.join(OUT, "pages.tsv"), "w") as f:
    f.write("page\tpath\thtml_bytes\n")
    for name, path, size in pages:
        f.write(f"{name}\t{path}\t{size}\n")
with open(os.path.join(OUT, "axe.json"), "w") as f:
    json.dump(axe_report, f, ensure_ascii=False, indent=1)
print("web-test: pages (HTML bytes as served; every page also loads the stylesheet and script, cached for a year):")
for name, path, size in pages:
    others = ", ".join(f"{v['id']}({v['impact']})" for v in axe_report.get(name, [])) or "none"
    print(f"  {name:20} {size:6d} B   axe: {others}")
with open(os.path.join(OUT, "journeys.tsv"), "w") as f:
    f.write("journey\ttaps\ttyped\n")
    for name, taps, typed in journeys:
        f.write(f"{name}\t{taps}\t{typed}\n")
print("web-test: journeys (taps, typed characters):")
for name, taps, typed in journeys:
    print(f"  {name:40} {taps:3d} taps {typed:4d} characters")
failed = [what for what, ok in results if not ok]
print(f"web-test: {len(results) - len(failed)} passed, {len(failed)} failed")
sys.exit(1 if failed else 0)
