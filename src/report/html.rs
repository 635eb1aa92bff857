//! The postmortem as one self-contained HTML page: inline CSS and SVG, no script, no fonts or
//! images from anywhere — it opens from a file, offline, and prints. Two charts (the user error
//! rate and the p99 latency over the run, the hidden faults as shaded bands, the player's
//! actions as marks), the score breakdown, then the postmortem text (`facts`).
//!
//! Text has crossed the output boundary in `facts` (`crate::text::clean_line`); here it is
//! HTML-escaped as well, so no scenario or status-update text can become markup.
//!
//! Each chart's `<svg>` carries its scales as data attributes (`data-t1`: the last second,
//! `data-vmax`: the top of the value axis) and its series is one `<polyline class="series">`
//! with a point per debrief timeline step, so a test can read the values back.

use super::facts::{Postmortem, postmortem};
use crate::score::Debrief;
use crate::score::debrief::{Column, STEP_S};
use crate::sim::SimTime;
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            _ => o.push(c),
        }
    }
    o
}

/// Markdown's `**bold**` (the only markup `facts` uses) as `<strong>`, the rest escaped.
fn inline(s: &str) -> String {
    let mut out = String::new();
    for (i, part) in s.split("**").enumerate() {
        if i % 2 == 1 {
            let _ = write!(out, "<strong>{}</strong>", escape(part));
        } else {
            out.push_str(&escape(part));
        }
    }
    out
}

const CSS: &str = "body{font:15px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1d2430;max-width:1080px;margin:24px auto;padding:0 20px}\
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}\
.about{color:#5b6575;font-size:13px}.note{color:#5b6575;font-style:italic}\
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border:1px solid #d8dde6;padding:4px 8px;text-align:left;vertical-align:top}\
th{background:#f2f4f8}.num{text-align:right;white-space:nowrap}.t{white-space:nowrap;color:#5b6575}\
.bar{display:inline-block;height:10px;background:#3b7dd8;border-radius:2px}.bar.warn{background:#d89a1e}.bar.crit{background:#c8423b}\
.grade{font-size:42px;font-weight:700;float:right;margin-top:-6px}\
svg{display:block;width:100%;height:auto;margin:6px 0 14px}svg text{font:11px system-ui,sans-serif;fill:#5b6575}\
.series{fill:none;stroke:#c8423b;stroke-width:1.6}.lat .series{stroke:#3b7dd8}.fault{fill:#f3c9c6;opacity:.55}\
.action{stroke:#1d2430;stroke-width:1;stroke-dasharray:3 2}.axis{stroke:#9aa3b2;stroke-width:1}.grid{stroke:#e6e9ef;stroke-width:1}\
.mark{font-size:10px;fill:#1d2430}ol.acts{columns:2;font-size:13px;color:#1d2430}#impact{width:auto;min-width:50%}\
.seen{color:#8a5a00}.true{color:#a1302a}.done{color:#1f5fae}ul{padding-left:22px}li{margin:2px 0}";

// Chart geometry, in SVG user units.
const W: f64 = 1000.0;
const H: f64 = 220.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 28.0;

/// A chart of `values` (one per `STEP_S` seconds) with faults and actions marked.
fn chart(d: &Debrief, id: &str, title: &str, unit: &str, values: &[f64]) -> String {
    let t1 = f64::from((values.len() as u32).max(1) * STEP_S);
    let top = values.iter().copied().fold(0.0, f64::max);
    // A round top for the value axis: 1, 2 or 5 times a power of ten.
    let vmax = {
        let m = top.max(if unit == "%" { 1.0 } else { 10.0 });
        let p = 10f64.powf(m.log10().floor());
        [1.0, 2.0, 5.0, 10.0].iter().map(|k| k * p).find(|v| *v >= m).unwrap_or(10.0 * p)
    };
    let (pw, ph) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
    let x = |t: f64| LEFT + t / t1 * pw;
    let y = |v: f64| TOP + ph - v / vmax * ph;
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg id=\"{id}\" class=\"{}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" data-t1=\"{t1}\" data-vmax=\"{vmax}\" data-left=\"{LEFT}\" data-top=\"{TOP}\" data-width=\"{pw}\" data-height=\"{ph}\" xmlns=\"http://www.w3.org/2000/svg\">",
        if unit == "%" { "err" } else { "lat" },
        escape(title)
    );
    let _ = write!(s, "<title>{}</title>", escape(title));
    for k in 0..=4 {
        let v = vmax * f64::from(k) / 4.0;
        let _ = write!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{0:.1}\" x2=\"{1}\" y2=\"{0:.1}\"/><text x=\"{2}\" y=\"{3:.1}\" text-anchor=\"end\">{4}{unit}</text>",
            y(v),
            W - RIGHT,
            LEFT - 6.0,
            y(v) + 4.0,
            if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.1}") }
        );
    }
    for f in &d.faults {
        let from = f.from.secs_f64();
        let to = f.to.map_or(t1, SimTime::secs_f64).max(from + 5.0).min(t1);
        let _ = write!(
            s,
            "<rect class=\"fault\" data-from=\"{from:.0}\" data-to=\"{to:.0}\" x=\"{:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{ph}\"><title>{} {}: {}</title></rect>",
            x(from),
            x(to) - x(from),
            escape(&d.clock(f.from)),
            escape(&crate::text::clean_line(&f.label)),
            escape(&crate::text::clean_line(&f.detail))
        );
    }
    let points: Vec<String> = values
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.2},{:.2}", x(f64::from(i as u32 * STEP_S)), y(*v)))
        .collect();
    let _ = write!(s, "<polyline class=\"series\" points=\"{}\"/>", points.join(" "));
    // Each action: a dashed mark and its number above the plot (numbers that would overlap
    // take the second row), matching the numbered list under the charts.
    let mut last_x = f64::NEG_INFINITY;
    let mut row = 0;
    for (i, a) in d.actions.iter().enumerate() {
        let t = a.t.secs_f64();
        row = if x(t) - last_x < 16.0 { 1 - row } else { 0 };
        last_x = x(t);
        let _ = write!(
            s,
            "<line class=\"action\" data-t=\"{t:.0}\" x1=\"{0:.1}\" y1=\"{TOP}\" x2=\"{0:.1}\" y2=\"{1}\"><title>{2} {3}</title></line><text class=\"mark\" x=\"{0:.1}\" y=\"{4}\" text-anchor=\"middle\">{5}</text>",
            x(t),
            TOP + ph,
            escape(&d.clock(a.t)),
            escape(&crate::text::clean_line(a.text.strip_prefix("you: ").unwrap_or(&a.text))),
            if row == 0 { 10 } else { 21 },
            i + 1
        );
    }
    let _ = write!(s, "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\"/>", TOP + ph, W - RIGHT);
    for k in 0..=6 {
        let t = t1 * f64::from(k) / 6.0;
        let anchor = match k {
            0 => "start",
            6 => "end",
            _ => "middle",
        };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
            x(t),
            H - 8.0,
            escape(&d.clock(SimTime::from_secs(t.round() as u64)))
        );
    }
    s.push_str("</svg>");
    s
}

fn list(o: &mut String, items: &[String], empty: &str) {
    o.push_str("<ul>");
    if items.is_empty() {
        let _ = write!(o, "<li>{}</li>", escape(empty));
    }
    for i in items {
        let _ = write!(o, "<li>{}</li>", inline(i));
    }
    o.push_str("</ul>");
}

pub fn html(d: &Debrief) -> String {
    let p: Postmortem = postmortem(d);
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Postmortem: {}</title><style>{CSS}</style></head><body>",
        escape(&p.title)
    );
    let _ = write!(
        o,
        "<div class=\"grade\" title=\"score\">{}</div><h1>Postmortem: {}</h1><p class=\"about\">{}</p>",
        escape(&p.headline),
        escape(&p.title),
        escape(&p.about.replace('`', ""))
    );
    o.push_str("<p class=\"note\">Blameless: this describes what the system and the people in it did and why, to learn from it, not who is at fault.</p>");
    let _ = write!(o, "<h2>Summary</h2><p>{}</p>", escape(&p.summary.join(" ")));
    o.push_str("<h2>What happened, over time</h2><p class=\"note\">Shaded: the hidden faults. Dashed: your actions (hover for each).</p>");
    let err: Vec<f64> = d.timeline.iter().map(|x| f64::from(x.error_pct)).collect();
    let lat: Vec<f64> = d.timeline.iter().map(|x| f64::from(x.p99_ms)).collect();
    o.push_str(&chart(d, "error-rate", "User error rate (% of tries, per 10 s)", "%", &err));
    o.push_str(&chart(d, "latency", "p99 latency of successful requests (ms, per 10 s)", "ms", &lat));
    o.push_str("<p class=\"note\">Latency counts successful requests only: where none succeeded it drops to 0.</p><ol class=\"acts\">");
    for a in &d.actions {
        let text = crate::text::clean_line(a.text.strip_prefix("you: ").unwrap_or(&a.text)).into_owned();
        let _ = write!(o, "<li><span class=\"t\">{}</span> {}</li>", escape(&d.clock(a.t)), escape(&text));
    }
    o.push_str("</ol>");
    o.push_str("<h2>Score</h2><table id=\"score\"><tr><th>dimension</th><th class=\"num\">score</th><th class=\"num\">weight</th><th></th><th>why</th></tr>");
    for (name, score, weight, reasons) in &p.score {
        let class = match score {
            80.. => "bar",
            50..=79 => "bar warn",
            _ => "bar crit",
        };
        let _ = write!(
            o,
            "<tr><td>{}</td><td class=\"num\">{score}</td><td class=\"num\">{weight}%</td><td><span class=\"{class}\" style=\"width:{}px\"></span></td><td>{}</td></tr>",
            escape(name),
            score,
            reasons.iter().map(|r| escape(r)).collect::<Vec<_>>().join("<br>")
        );
    }
    o.push_str("</table>");
    o.push_str("<h2>Impact</h2><table id=\"impact\">");
    for (what, n) in &p.impact {
        let _ = write!(o, "<tr><td>{}</td><td class=\"num\">{}</td></tr>", escape(what), escape(n));
    }
    o.push_str("</table><h2>Timeline</h2><table id=\"timeline\"><tr><th>time</th><th>what was seen</th><th>what was true</th><th>what was done</th></tr>");
    for (t, col, text) in &p.timeline {
        let cell = |c: Column, class: &str| {
            if *col == c { format!("<td class=\"{class}\">{}</td>", escape(text)) } else { "<td></td>".to_string() }
        };
        let _ = write!(
            o,
            "<tr><td class=\"t\">{}</td>{}{}{}</tr>",
            escape(t),
            cell(Column::Seen, "seen"),
            cell(Column::True, "true"),
            cell(Column::Done, "done")
        );
    }
    o.push_str("</table><h2>Contributing factors</h2>");
    if !p.truth.is_empty() {
        let _ = write!(o, "<p>{}</p>", escape(&p.truth));
    }
    list(&mut o, &p.factors, "no fault was injected");
    o.push_str("<h2>What went well</h2>");
    list(&mut o, &p.went_well, "nothing stood out");
    o.push_str("<h2>What went badly</h2>");
    list(&mut o, &p.went_badly, "nothing stood out");
    o.push_str("<h2>Action items</h2>");
    list(&mut o, &p.actions, "none");
    o.push_str("<h2>Status updates</h2><table id=\"updates\"><tr><th>time</th><th>to</th><th>what you wrote</th><th></th></tr>");
    if p.updates.is_empty() {
        o.push_str("<tr><td colspan=\"4\">none was posted</td></tr>");
    }
    for u in &p.updates {
        let _ = write!(
            o,
            "<tr><td class=\"t\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&u.at),
            escape(&u.to),
            escape(&u.text),
            escape(&u.note)
        );
    }
    o.push_str("</table>");
    let seats = super::seats::who_did_what(d);
    if !seats.is_empty() {
        o.push_str("<h2>Who did what</h2>");
        for (heading, lines) in &seats {
            let _ = write!(o, "<h3>{}</h3><ul>", escape(heading));
            for l in lines {
                let _ = write!(o, "<li>{}</li>", escape(l));
            }
            o.push_str("</ul>");
        }
    }
    let _ = write!(o, "<h2>What an expert would have done</h2><p>Par: {}.</p><ul>", escape(&p.par));
    for (t, text) in &p.expert {
        let _ = write!(o, "<li><span class=\"t\">{}</span> {}</li>", escape(t), escape(text));
    }
    o.push_str("</ul><h2>Lessons</h2>");
    list(&mut o, &p.lessons, "none");
    o.push_str("</body></html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_in_text_stays_text() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
