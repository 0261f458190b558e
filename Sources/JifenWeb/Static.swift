import Crypto
import Foundation

/// The two files every page loads: the stylesheet and the small script (the code's countdown and
/// refresh, and scanning where the browser can). Their names carry a hash of their content, so
/// they are cached for a year and a new version is a new name. No build step: this is the source.
enum Static {
    static let css = """
        *{box-sizing:border-box}
        html{font-size:20px;-webkit-text-size-adjust:100%}
        body{margin:0;font-family:system-ui,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;line-height:1.5;color:#1a1a1a;
        background:#fff}
        header{display:flex;justify-content:space-between;align-items:center;padding:.3rem 1rem;border-bottom:2px solid #1a1a1a}
        header nav{display:flex;gap:.5rem;align-items:center}
        header form{margin:0}
        main{max-width:40rem;margin:0 auto;padding:.5rem 1rem 3rem}
        h1{font-size:1.6rem;margin:.6rem 0}
        h2{font-size:1.3rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #595959}
        a{color:#0a4a80;text-decoration:underline}
        a,button,input,select,summary{min-height:48px;min-width:48px}
        a.home,header a{display:inline-flex;align-items:center;padding:0 .5rem;font-weight:700}
        main a{display:inline-flex;align-items:center}
        button,.button{display:inline-flex;align-items:center;justify-content:center;font:inherit;font-size:1.1rem;padding:.5rem 1.2rem;
        margin:.3rem 0;border:2px solid #0a4a80;border-radius:8px;background:#fff;color:#0a4a80;cursor:pointer;text-decoration:none}
        button.primary,.button.primary{background:#0a4a80;color:#fff}
        button.danger{border-color:#8a1c1c;color:#8a1c1c}
        button.link{border:0;padding:0 .5rem;text-decoration:underline;font-size:1rem}
        :focus-visible{outline:4px solid #b35900;outline-offset:2px}
        label{display:block;font-weight:700;margin-top:.8rem}
        input,select{font:inherit;font-size:1.3rem;width:100%;padding:.4rem .6rem;border:2px solid #1a1a1a;border-radius:6px}
        input[type=radio],input[type=checkbox]{width:auto;min-width:28px;min-height:28px;margin-right:.5rem}
        .choice{display:flex;align-items:center;min-height:48px;font-weight:400;border:1px solid #595959;border-radius:6px;
        padding:.3rem .6rem;margin:.3rem 0}
        .figures{display:grid;grid-template-columns:1fr 1fr;gap:.6rem}
        .figure{border:2px solid #1a1a1a;border-radius:8px;padding:.4rem .6rem}
        .figure .n{display:block;font-size:2rem;font-weight:700;font-variant-numeric:tabular-nums}
        .figure.main{grid-column:1/3}.figure.main .n{font-size:3rem}
        .figure small{display:block;font-size:1rem;font-weight:400}
        .big{font-size:2.4rem;font-weight:700}
        .digits{font-size:3rem;font-weight:700;letter-spacing:.12em;font-variant-numeric:tabular-nums;font-family:ui-monospace,monospace}
        .qr{display:block;margin:.5rem auto;max-width:100%;height:auto}
        ul.list{list-style:none;padding:0;margin:0}
        ul.list li{border-bottom:1px solid #595959;padding:.5rem 0}
        .plus{font-weight:700}.minus{font-weight:700}
        .status{display:inline-block;border:2px solid #1a1a1a;border-radius:4px;padding:0 .4rem;font-size:.9rem;font-weight:700}
        .notice{border:3px solid #1a1a1a;border-left-width:12px;border-radius:6px;padding:.6rem .8rem;margin:.8rem 0;font-size:1.1rem}
        .notice.ok{background:#e9f6ea}.notice.refused{background:#fdeceb;border-color:#8a1c1c}.notice.info{background:#eef4fb}
        .muted{color:#4a4a4a}
        details{margin:.5rem 0}summary{display:flex;align-items:center;cursor:pointer;font-weight:700}
        table{border-collapse:collapse;width:100%;font-size:1rem}th,td{border:1px solid #1a1a1a;padding:.3rem .4rem;text-align:left}
        td.n{text-align:right;font-variant-numeric:tabular-nums}
        .poster{text-align:center}.poster .digits{font-size:min(5rem,15vw)}.poster .qr{width:12cm;max-width:100%;height:auto}
        video{width:100%;max-height:50vh}
        /* 适老化 (base): the header wraps instead of scrolling at 200 % zoom; fields and codes fit a 180 px viewport; 大字 */
        header{flex-wrap:wrap;gap:.2rem}header nav{flex-wrap:wrap}
        input,select{max-width:100%;min-width:0}
        .digits{white-space:nowrap;font-size:min(3rem,13vw)}
        main{overflow-wrap:anywhere}
        svg.qr{width:100%;max-width:20rem}
        html.large{font-size:26px}html.large body{line-height:1.6}
        .figures{grid-template-columns:repeat(auto-fit,minmax(min(100%,7.5rem),1fr))}.figure.main{grid-column:1/-1}
        .figure .n{font-size:min(2rem,12vw)}.figure.main .n{font-size:min(3rem,16vw)}.big{font-size:min(2.4rem,12vw)}
        [hidden]{display:none!important}
        @page{size:A4;margin:15mm}
        @media print{header,form,.noprint{display:none}body{font-size:14pt}main{max-width:none;padding:0}a{color:#000;text-decoration:none}}
        /* paper: the organizer's desk; the poster, the notice and the certificate each fit A4 */
        .desk li.act{padding:.6rem 0}.desk h3{font-size:1.25rem;margin:.2rem 0}.desk p{margin:.3rem 0}
        .counts strong{font-variant-numeric:tabular-nums}
        ul.waiting{border-left:4px solid #595959;padding-left:.6rem;margin-top:.4rem}
        .why{display:block;font-size:1rem}
        .approve-all{border:2px solid #0a4a80;border-radius:8px;padding:0 .6rem}
        li:target,section:target{scroll-margin-top:1rem;outline:3px solid #b35900;outline-offset:2px}
        .poster .poster-when{font-size:1.3rem;font-weight:700}.poster .poster-line{font-size:1.2rem}
        .paper caption,.certificate caption{text-align:left;font-weight:700;padding:.6rem 0 .2rem}
        .sign p{margin:.6rem 0}.sign .blank{display:inline-block;width:6em;max-width:100%;border-bottom:1px solid #1a1a1a;min-height:1.2em;
        vertical-align:bottom}
        .certificate{border:2px solid #1a1a1a;border-radius:8px;padding:.6rem .8rem;overflow-wrap:anywhere}
        .cert-org{font-weight:700;text-align:center;margin:.2rem 0}.cert-title{text-align:center;border:0;font-size:1.6rem;margin:.4rem 0}
        .cert-foot{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem}.cert-foot dt{font-weight:700}.cert-foot dd{margin:0}
        .cert-stamp{text-align:right}
        @media print{
        .notice{display:none}
        .keep,table.keep{break-inside:avoid}table.next-page{break-before:page}tr{break-inside:avoid}
        body.print{font-size:12pt}body.print h1{font-size:18pt;margin:0 0 3mm}
        main:has(.poster)>h1{font-size:30pt;text-align:center;margin:0 0 4mm}main:has(.certificate)>h1{display:none}
        .poster p{margin:2mm 0}.poster .poster-when{font-size:18pt}
        .poster .qr{width:90mm;height:90mm;margin:3mm auto}
        .poster .digits{font-size:30mm;line-height:1.1;letter-spacing:.08em}.poster .poster-act{font-size:16mm}
        .paper p{margin:2mm 0}.paper table{font-size:10.5pt;line-height:1.25;margin-bottom:2mm}.paper th,.paper td{padding:.6mm 2mm}
        .paper caption{padding:1mm 0}
        .paper-grid{display:grid;grid-template-columns:1fr 1fr;gap:6mm;align-items:start}
        .sign .blank{width:50mm}
        .certificate{border:0;padding:0}.cert-title{font-size:20pt}.cert-records{font-size:10pt;line-height:1.25}
        .cert-records td,.cert-records th{padding:.6mm 2mm}
        }
        /* volunteer: her day first, the pay code that reacts, signing out at the bottom, slips */
        button.huge,.button.huge{display:flex;width:100%;min-height:64px;font-size:1.4rem;font-weight:700}
        form#show-code{margin:.4rem 0 .6rem}
        #balance{margin:.4rem 0}
        .entries{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,6rem),1fr));gap:.5rem;margin:.6rem 0}
        .entries a.button{display:flex;min-height:64px;font-size:1.3rem;font-weight:700;margin:0;padding:.4rem .3rem;text-align:center}
        .duty{border:3px solid #0a4a80;border-radius:8px;padding:.2rem .8rem .6rem;margin:.6rem 0;background:#eef4fb}
        .duty h2{margin:.4rem 0;border:0}
        .duty-line,.big-line{font-size:1.3rem;font-weight:700;margin:.3rem 0}
        .code-status{margin:.6rem 0}.code-status:empty{display:none}
        .code-status.redeemed,.code-status.held,.code-status.voided,.code-status.expired{border:3px solid #1a1a1a;border-left-width:12px;
        border-radius:6px;padding:.6rem .8rem}
        .live-code[hidden]{display:none}
        .done-here{font-weight:700;border-left:8px solid #1a1a1a;padding-left:.5rem;margin:.3rem 0}
        footer{max-width:40rem;margin:0 auto;padding:1.5rem 1rem 3rem;border-top:1px solid #595959}
        footer a{display:inline-flex;align-items:center;min-height:48px;padding:0 .5rem}
        .slip{text-align:center}.slip .digits{font-size:min(3rem,12vw)}.slip .qr{width:8cm;max-width:100%;height:auto}
        /* residents: her request form, her requests, the volunteer's taken requests */
        #ask fieldset{border:0;padding:0;margin:.8rem 0}#ask legend{font-weight:700;font-size:1.15rem}
        .state-words{font-size:1.15rem;margin:.3rem 0}
        a.button.tel{font-size:1.3rem}
        form.stars button,#taken form button{width:100%;justify-content:flex-start}
        /* counter: hidden means hidden (the scan button), the form above the fold, lists to tap */
        [hidden]{display:none!important}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        #take label{margin-top:.4rem}
        .offers{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(15rem,100%),1fr));gap:0 .6rem;border:0;min-width:0;padding:0;
        margin:.4rem 0}
        .offers legend{font-weight:700;padding:0}.offers .choice{margin:.2rem 0}
        .counter-list li{display:flex;flex-wrap:wrap;justify-content:space-between;align-items:center;gap:.2rem .8rem}
        .counter-list p{margin:0}.row-actions{display:flex;flex-wrap:wrap;gap:.6rem}.row-actions button{margin:0}
        main a.row-link{display:flex;flex-direction:column;align-items:flex-start;width:100%;color:inherit;text-decoration:none}
        .row-link small{color:#0a4a80;text-decoration:underline}
        .receipt-head p{margin:.2rem 0}
        #take>button[type=submit]{position:sticky;bottom:.4rem;z-index:1;box-shadow:0 0 0 .4rem #fff}
        """

    static let js = """
        (function(){
        'use strict';
        var c=document.querySelector('[data-remaining]');
        if(c){var left=+c.getAttribute('data-remaining'),out=c.querySelector('.left'),f=document.getElementById('refresh');
        var show=function(){out.textContent=Math.floor(left/60)+':'+('0'+left%60).slice(-2);};show();
        var t=setInterval(function(){left--;if(left<=0){clearInterval(t);left=0;show();if(f){f.submit();}return;}show();},1000);}
        var s=document.querySelector('[data-scan]');
        if(s&&'BarcodeDetector' in window&&navigator.mediaDevices&&navigator.mediaDevices.getUserMedia){
        (BarcodeDetector.getSupportedFormats?BarcodeDetector.getSupportedFormats():Promise.resolve(['qr_code'])).then(function(f){
        if(f.indexOf('qr_code')>=0){s.hidden=false;}});
        s.addEventListener('click',function(){var input=document.getElementById(s.getAttribute('data-scan'));
        var v=document.createElement('video');v.setAttribute('playsinline','');v.muted=true;s.parentNode.insertBefore(v,s.nextSibling);
        navigator.mediaDevices.getUserMedia({video:{facingMode:'environment'}}).then(function(stream){v.srcObject=stream;v.play();
        var d=new BarcodeDetector({formats:['qr_code']});var stop=function(){stream.getTracks().forEach(function(k){k.stop();});v.remove();};
        var look=function(){d.detect(v).then(function(codes){if(codes.length){stop();
        input.value=codes[0].rawValue.replace(/[^0-9A-Za-z]/g,'');var b=input.form&&input.form.querySelector('button[type=submit]');
        (b||input).focus();}
        else{setTimeout(look,200);}},function(){setTimeout(look,200);});};look();},function(){v.remove();});});}
        })();
        // paper: a print button prints the page (no inline script: the CSP forbids it)
        (function(){
        'use strict';
        document.querySelectorAll('[data-print]').forEach(function(b){b.addEventListener('click',function(){window.print();});});
        })();
        /* volunteer: the pay code learns of a redemption; sign-in takes a code from the link's fragment; slips print */
        (function(){
        'use strict';
        var p=document.querySelector('[data-poll]'),st=document.getElementById('code-status');
        if(p&&st&&window.fetch){var url=p.getAttribute('data-poll'),busy=false;
        var poll=setInterval(function(){if(busy){return;}busy=true;
        fetch(url,{credentials:'same-origin',cache:'no-store'}).then(function(r){return r.ok?r.json():null;}).then(function(j){busy=false;
        if(!j||j.state==='live'||j.state==='none'){return;}
        var f=document.getElementById('refresh');
        if(j.state==='expired'&&f){clearInterval(poll);f.submit();return;}
        clearInterval(poll);
        if(f){var g=f.cloneNode(true);f.parentNode.replaceChild(g,f);}
        var c=document.querySelector('[data-remaining]');if(c){c.parentNode.removeChild(c);}
        p.hidden=true;st.className='code-status big '+j.state;st.textContent=j.message;},function(){busy=false;});},1000);}
        var fill=function(){var m=/^#code=([A-Za-z0-9-]{4,24})$/.exec(location.hash),ci=document.getElementById('f-code');
        if(m&&ci&&ci.form&&ci.form.getAttribute('action')==='/web/signin'){ci.value=m[1].toUpperCase();
        if(history.replaceState){history.replaceState(null,'',location.pathname+location.search);}
        var b=ci.form.querySelector('button[type=submit]');if(b){b.focus();}}};
        fill();window.addEventListener('hashchange',fill);
        var pr=document.querySelectorAll('[data-print-slip]');
        for(var i=0;i<pr.length;i++){pr[i].addEventListener('click',function(){window.print();});}
        })();
        """

    static let cssPath = "/static/jifen-\(digest(css)).css"
    static let jsPath = "/static/jifen-\(digest(js)).js"

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).prefix(6).map { String(format: "%02x", $0) }.joined()
    }

    /// The file at `path`, cached for a year (its name changes with its content).
    static func file(_ path: String) -> WebResponse? {
        let (body, type): (String, String)
        switch path {
        case cssPath: (body, type) = (css, "text/css; charset=utf-8")
        case jsPath: (body, type) = (js, "text/javascript; charset=utf-8")
        default: return nil
        }
        return WebResponse(
            status: 200,
            headers: [
                ("Content-Type", type), ("Cache-Control", "public, max-age=31536000, immutable"),
                ("ETag", "\"\(digest(body))\""), ("X-Content-Type-Options", "nosniff"),
            ],
            body: Data(body.utf8))
    }
}
