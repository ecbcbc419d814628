#!/usr/bin/env bash
# Sets up, builds (release), creates the SQLite database with a demo cohort on first run, and
# serves Shengyuan on 127.0.0.1:3000 (LEPTOS_SITE_ADDR to change).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

bash scripts/setup.sh
cargo leptos build --release

export DATABASE_URL=${DATABASE_URL:-sqlite://data/shengyuan.db}
db_file=${DATABASE_URL#sqlite://}
db_file=${db_file#sqlite:}
if [ ! -s "$db_file" ]; then
  echo "首次运行：生成演示数据（${DEMO_STUDENTS:-300} 名学生）"
  ./target/release/shengyuan demo --students "${DEMO_STUDENTS:-300}"
else
  echo "使用已有数据库 $db_file（删除该文件即可重新生成演示数据）"
  echo "演示账号：学校 school / 学院 math、cs、edu、fl、biz，密码 ${SHENGYUAN_PASSWORD:-Shengyuan@2023}；"
  echo "学生用学号登录，初始密码为身份证号后六位。"
fi
exec ./target/release/shengyuan serve
