mod common;
use common::*;
use std::time::Instant;

#[test]
fn probe_mm1() {
    for (rho, secs) in [(0.5, 2000u32), (0.8, 2500), (0.9, 4444), (0.95, 8421)] {
        let rps = rho * 1000.0;
        let text = queue(rps, 1, 1, r#"Exp("1ms")"#, &format!("{secs}s"));
        for seed in 1..=6 {
            let t0 = Instant::now();
            let sim = run(&text, seed);
            let h = &sim.totals().service_hist[0];
            let w = 0.001 / (1.0 - rho);
            println!(
                "rho {rho} seed {seed}: n {} W {:.4} (th {:.4}) p50 {:.4} p99 {:.4} (th {:.4}) rel W {:+.3}% p99 {:+.3}%  wall {:.2}s",
                h.count(),
                mean_s(h) * 1e3,
                w * 1e3,
                quantile_s(h, 0.5) / (0.693147 * w),
                quantile_s(h, 0.99) * 1e3,
                4.60517 * w * 1e3,
                (mean_s(h) / w - 1.0) * 100.0,
                (quantile_s(h, 0.99) / (4.60517 * w) - 1.0) * 100.0,
                t0.elapsed().as_secs_f64()
            );
        }
    }
}
