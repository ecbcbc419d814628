//! The `shengyuan` command: `serve` (default), `import-roster`, `export`, `add-staff`, `demo`,
//! `verify-audit`.

use super::{Config, db, http, roster};
use std::process::ExitCode;

const USAGE: &str = "用法:
  shengyuan [serve]                         启动网站（LEPTOS_SITE_ADDR，默认 127.0.0.1:3000）
  shengyuan import-roster <名单.xlsx|.csv>   导入校库名单（xlsx，或 UTF-8/GBK 的 CSV；首行为表头）
  shengyuan export <文件.xlsx|.csv>          导出全部学生的上报数据（国家代码）
  shengyuan add-staff <用户名> (--school | --college <院系名称>) [--name <姓名>]
                                            新建或更新教师账号，密码取自环境变量 SHENGYUAN_PASSWORD
  shengyuan first-login-change (on | off)   首次登录须修改默认密码（活动设置中的开关，默认开启）
  shengyuan demo [--students <人数>] [--seed <种子>] [--csv <文件>]
                                            生成演示届别（学生、院系、教师账号）；给出 --csv 时只写出名单文件
  shengyuan verify-audit [--head <哈希>]      检查审计日志的哈希链，报告第一处断链；给出以前记下的
                                            链头哈希时，还检查它仍在链中（末尾被截掉或整段重算）
环境变量: DATABASE_URL（默认 sqlite://data/shengyuan.db）、LEPTOS_SITE_ADDR、RUST_LOG";

pub fn main() -> ExitCode {
    init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("错误: {message}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Value of `--flag value` in `args`.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

async fn run(args: Vec<String>) -> Result<(), String> {
    let config = Config::from_env();
    match args.first().map(String::as_str) {
        None | Some("serve") => {
            let options = http::leptos_options()?;
            let addr = options.site_addr;
            let state = http::build_state(config, options).await?;
            http::serve(state, addr).await
        }
        Some("import-roster") => {
            let path = args
                .get(1)
                .ok_or_else(|| format!("缺少名单文件\n{USAGE}"))?;
            let pool = db::connect(&config.database_url).await?;
            let bytes = std::fs::read(path).map_err(|e| format!("无法读取 {path}: {e}"))?;
            let started = std::time::Instant::now();
            // The same reading as the browser upload: xlsx or csv (UTF-8 or GBK).
            let table = super::spreadsheet::read(path, &bytes)?;
            let parsed = roster::parse_rows(&table.headers, table.rows)?;
            let report = roster::apply(&pool, parsed, "system:import-roster").await?;
            println!("{}", report.summary());
            for problem in report.problems.iter().take(200) {
                println!("{problem}");
            }
            if report.problems.len() > 200 {
                println!("……另有 {} 条提示未列出", report.problems.len() - 200);
            }
            println!("用时 {:.2} 秒", started.elapsed().as_secs_f64());
            Ok(())
        }
        Some("export") => {
            let path = args
                .get(1)
                .ok_or_else(|| format!("缺少输出文件\n{USAGE}"))?;
            let pool = db::connect(&config.database_url).await?;
            let divisions = super::Divisions::load(&config.divisions_path)?;
            let started = std::time::Instant::now();
            let rows = super::export::rows(&pool, &divisions, None, None)
                .await
                .map_err(|e| format!("读取数据失败：{e}"))?;
            let bytes = if path.ends_with(".csv") {
                super::downloads::csv_bytes(super::export::COLUMNS, rows.clone())?
            } else {
                super::export::to_xlsx("生源信息", super::export::COLUMNS, &rows)?
            };
            std::fs::write(path, &bytes).map_err(|e| format!("无法写入 {path}: {e}"))?;
            println!(
                "已导出 {} 名学生到 {path}（{} 字节），用时 {:.2} 秒",
                rows.len(),
                bytes.len(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some("add-staff") => {
            let username = args
                .get(1)
                .filter(|u| !u.starts_with("--"))
                .ok_or_else(|| format!("缺少用户名\n{USAGE}"))?;
            let password = std::env::var("SHENGYUAN_PASSWORD")
                .map_err(|_| "请在环境变量 SHENGYUAN_PASSWORD 中给出密码".to_string())?;
            let school = args.iter().any(|a| a == "--school");
            let college = flag(&args, "--college");
            if school == college.is_some() {
                return Err(format!(
                    "请指定 --school 或 --college <院系名称>（二选一）\n{USAGE}"
                ));
            }
            let display_name = flag(&args, "--name").unwrap_or(username);
            let pool = db::connect(&config.database_url).await?;
            super::demo::add_staff(&pool, username, display_name, &password, college).await?;
            println!(
                "已保存教师账号 {username}（{}）",
                college
                    .map(|c| format!("学院：{c}"))
                    .unwrap_or_else(|| "学校".to_string())
            );
            Ok(())
        }
        Some("first-login-change") => {
            let on = match args.get(1).map(String::as_str) {
                Some("on") => true,
                Some("off") => false,
                _ => return Err(format!("请给出 on 或 off\n{USAGE}")),
            };
            let pool = db::connect(&config.database_url).await?;
            let mut tx = db::begin_write(&pool)
                .await
                .map_err(|e| format!("数据库错误：{e}"))?;
            db::campaign::set_force_default_change(&mut tx, on, "system:cli")
                .await
                .map_err(|e| format!("数据库错误：{e}"))?;
            tx.commit().await.map_err(|e| format!("数据库错误：{e}"))?;
            println!(
                "首次登录须修改默认密码：{}",
                if on { "已开启" } else { "已关闭" }
            );
            Ok(())
        }
        Some("demo") => {
            let students = match flag(&args, "--students") {
                Some(n) => n
                    .parse::<usize>()
                    .map_err(|_| format!("--students 需要一个正整数，而不是 {n}"))?,
                None => 300,
            };
            let seed = match flag(&args, "--seed") {
                Some(n) => n
                    .parse::<u64>()
                    .map_err(|_| format!("--seed 需要一个整数，而不是 {n}"))?,
                None => 2023,
            };
            let divisions = super::Divisions::load(&config.divisions_path)?;
            if let Some(path) = flag(&args, "--csv") {
                let (headers, rows) = super::demo::generate(&divisions, students, seed);
                let text = super::demo::to_csv(&headers, &rows)?;
                std::fs::write(path, text).map_err(|e| format!("无法写入 {path}: {e}"))?;
                println!("已生成 {students} 名学生的名单：{path}");
                return Ok(());
            }
            let pool = db::connect(&config.database_url).await?;
            super::demo::run(&pool, &divisions, students, seed).await
        }
        Some("verify-audit") => {
            let pool = db::connect(&config.database_url).await?;
            println!("{}", verify_audit(&pool, flag(&args, "--head")).await?);
            Ok(())
        }
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("未知的子命令 {other}\n{USAGE}")),
    }
}

/// `verify-audit`: what to print when the chain holds; the first broken link (or a noted head
/// that is no longer in the chain) is an error, so the command exits with 1.
pub async fn verify_audit(
    pool: &sqlx::SqlitePool,
    noted_head: Option<&str>,
) -> Result<String, String> {
    let report = db::audit::verify(pool)
        .await
        .map_err(|e| format!("读取审计日志失败：{e}"))?;
    if let Some(broken) = report.broken {
        return Err(format!(
            "审计日志在第 {} 行断链：{}（此前 {} 行完好）",
            broken.id,
            broken.reason,
            report.rows - 1
        ));
    }
    if let Some(noted) = noted_head
        && !db::audit::chain_has(pool, noted)
            .await
            .map_err(|e| format!("读取审计日志失败：{e}"))?
    {
        return Err(format!(
            "审计日志的链中没有以前记下的链头哈希 {noted}：末尾的行被删除，或某行之后的链被整段重算"
        ));
    }
    let legacy = if report.legacy > 0 {
        format!("（其中 {} 行早于哈希链，未链入）", report.legacy)
    } else {
        String::new()
    };
    Ok(format!(
        "OK，审计日志共 {} 行{legacy}，链头哈希 {}",
        report.rows,
        report.head.as_deref().unwrap_or("（尚无）")
    ))
}
