//! Task 7: `batch::{process_batch_with, process_file}` (needs tasks 1-3).

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

use common::{LIVENESS, within, worker_names};
use executors::batch::{
    BatchReport, ItemError, Receipt, RecordError, parse_record, price_record, process_batch_with,
    process_file,
};
use executors::future::TaskError;
use executors::pool::ThreadPool;
use fixtures::data::{ORDERS_RECORDS, orders_path};

/// The bad records of `fixtures/data/orders.csv`: line, and whether the
/// record fails (`Err`) or makes the pricing panic.
const BAD_LINES: [(usize, &str); 11] = [
    (8, "failed"),     // quantity "three"
    (23, "failed"),    // 4 fields
    (57, "failed"),    // id "1055x"
    (88, "failed"),    // country "Germany"
    (121, "failed"),   // quantity 0
    (150, "panicked"), // country ZZ: no tax rate
    (177, "failed"),   // discontinued SKU
    (203, "failed"),   // price "12.5"
    (240, "failed"),   // total overflows
    (266, "failed"),   // empty SKU
    (289, "panicked"), // country XK: no tax rate
];

/// `process_file` over `fixtures/data/orders.csv` on a pool of 8 workers:
/// two tests check different sides of the same report.
fn process_the_orders_file() -> BatchReport {
    within(LIVENESS, "process_file", || {
        let pool = ThreadPool::named("batch", 8);
        process_file(&pool, &orders_path()).expect("the file is readable")
    })
}

#[test]
fn the_orders_file_is_processed_with_every_bad_record_reported() {
    let _proof = fixtures::proof::test_body();
    let report = process_the_orders_file();
    assert_eq!(
        report.records(),
        ORDERS_RECORDS,
        "every record is accounted for"
    );
    let bad: Vec<_> = report
        .errors
        .iter()
        .map(|e| {
            let kind = match &e.error {
                TaskError::Failed(_) => "failed",
                TaskError::Panicked(_) => "panicked",
                other => panic!("line {}: unexpected {other:?}", e.line),
            };
            (e.line, kind)
        })
        .collect();
    assert_eq!(bad, BAD_LINES, "the bad records, in file order");

    // The good records, priced one by one with the crate's own functions.
    let text = std::fs::read_to_string(orders_path()).expect("the file is readable");
    let bad_lines: HashSet<_> = BAD_LINES.iter().map(|&(line, _)| line).collect();
    let want: Vec<Receipt> = text
        .lines()
        .enumerate()
        .skip(1)
        .filter(|(i, line)| !line.trim().is_empty() && !bad_lines.contains(&(i + 1)))
        .map(|(i, line)| {
            let record = parse_record(line).expect("a good record parses");
            Receipt {
                line: i + 1,
                id: record.id,
                total_cents: price_record(&record).expect("a good record prices"),
            }
        })
        .collect();
    assert_eq!(report.processed, want, "the receipts, in file order");
}

#[test]
fn error_messages_say_what_was_wrong() {
    let _proof = fixtures::proof::test_body();
    let report = process_the_orders_file();
    let message = |line: usize| {
        report
            .errors
            .iter()
            .find(|e| e.line == line)
            .map(|e| e.error.clone())
    };
    assert_eq!(
        message(8),
        Some(TaskError::Failed(
            RecordError::BadField {
                field: "quantity",
                value: "three".into()
            }
            .to_string()
        ))
    );
    assert_eq!(
        message(150),
        Some(TaskError::Panicked("no tax rate for country \"ZZ\"".into()))
    );
    assert_eq!(
        message(240),
        Some(TaskError::Failed(RecordError::Overflow.to_string()))
    );
}

#[test]
fn one_bad_record_never_stops_the_batch() {
    let _proof = fixtures::proof::test_body();
    let text = "id,sku,country,quantity,unit_price\n\
                1,SKU-1,DE,1,1.00\n\
                2,SKU-2,ZZ,1,1.00\n\
                3,SKU-3,FR,two,1.00\n\
                \n\
                4,SKU-4,US,3,2.50\n\
                5,OLD-5,GB,1,1.00\n\
                6,SKU-6,IT,2,0.99\n";
    let report = within(LIVENESS, "process_batch_with", move || {
        let pool = ThreadPool::named("small", 3);
        process_batch_with(&pool, text, price_record)
    });
    assert_eq!(
        report,
        BatchReport {
            processed: vec![
                Receipt {
                    line: 2,
                    id: 1,
                    total_cents: 119
                },
                Receipt {
                    line: 6,
                    id: 4,
                    total_cents: 750
                },
                Receipt {
                    line: 8,
                    id: 6,
                    total_cents: 242
                },
            ],
            errors: vec![
                ItemError {
                    line: 3,
                    error: TaskError::Panicked("no tax rate for country \"ZZ\"".into())
                },
                ItemError {
                    line: 4,
                    error: TaskError::Failed("bad quantity: \"two\"".into())
                },
                ItemError {
                    line: 7,
                    error: TaskError::Failed("product OLD-5 is discontinued".into())
                },
            ],
        }
    );
    assert_eq!(
        report.to_string(),
        "processed 3 of 6 records, 3 failed\n  \
         line 3: the task panicked: no tax rate for country \"ZZ\"\n  \
         line 4: the task failed: bad quantity: \"two\"\n  \
         line 7: the task failed: product OLD-5 is discontinued"
    );
}

#[test]
fn records_are_processed_on_the_pool_at_the_same_time() {
    let _proof = fixtures::proof::test_body();
    const WORKERS: usize = 4;
    let (report, names) = within(LIVENESS, "process_batch_with and a Barrier", || {
        let pool = ThreadPool::named("pricer", WORKERS);
        let barrier = Arc::new(Barrier::new(WORKERS));
        let started = Arc::new(AtomicUsize::new(0));
        let names = Arc::new(Mutex::new(HashSet::new()));
        let seen = Arc::clone(&names);
        let mut text = String::from("id,sku,country,quantity,unit_price\n");
        for id in 0..12 {
            text.push_str(&format!("{id},SKU-{id},DE,{},1.00\n", id + 1));
        }
        let report = process_batch_with(&pool, &text, move |record| {
            // The first WORKERS records meet here: only possible if WORKERS
            // records are processed at the same time.
            if started.fetch_add(1, SeqCst) < WORKERS {
                barrier.wait();
            }
            seen.lock()
                .expect("no panics while holding it")
                .insert(thread::current().name().map(str::to_owned));
            Ok(u64::from(record.quantity))
        });
        let names = names.lock().expect("no panics while holding it").clone();
        (report, names)
    });
    assert!(report.errors.is_empty(), "{report}");
    let totals: Vec<_> = report.processed.iter().map(|r| r.total_cents).collect();
    assert_eq!(totals, (1..=12).collect::<Vec<u64>>());
    let lines: Vec<_> = report.processed.iter().map(|r| r.line).collect();
    assert_eq!(lines, (2..=13).collect::<Vec<_>>());
    assert!(
        names.is_subset(&worker_names("pricer", WORKERS)),
        "ran outside the pool: {names:?}"
    );
}

#[test]
fn an_empty_batch_gives_an_empty_report() {
    let _proof = fixtures::proof::test_body();
    let reports = within(LIVENESS, "process_batch_with", || {
        let pool = ThreadPool::new(2);
        (
            process_batch_with(&pool, "", price_record),
            process_batch_with(
                &pool,
                "id,sku,country,quantity,unit_price\n\n",
                price_record,
            ),
        )
    });
    assert_eq!(reports, (BatchReport::default(), BatchReport::default()));
}

#[test]
fn an_unreadable_file_is_the_only_error() {
    let _proof = fixtures::proof::test_body();
    let got = within(LIVENESS, "process_file", || {
        let pool = ThreadPool::new(2);
        process_file(&pool, &orders_path().with_file_name("no-such-file.csv")).map_err(|e| e.kind())
    });
    assert_eq!(got, Err(std::io::ErrorKind::NotFound));
}
