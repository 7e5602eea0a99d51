use std::env;

use axum::{http::Request, body::Body, routing::get, Router};
use secrecy::{ExposeSecret, SecretString};
use tracing::{debug, info};

struct Settings {
    db_url: String,
    api_key: SecretString,
}

fn settings() -> Settings {
    let s = Settings {
        db_url: env::var("DATABASE_URL").unwrap_or_default(),
        api_key: SecretString::from(env::var("API_KEY").unwrap_or_default()),
    };
    info!(db = %s.db_url, "loaded settings");
    debug!("api key: {}", s.api_key.expose_secret());
    debug!(has_key = !s.api_key.expose_secret().is_empty());
    println!("{:?}", env::vars().collect::<Vec<_>>());
    s
}

async fn handler(req: Request<Body>) -> &'static str {
    debug!("headers: {:?}", req.headers());
    debug!("ua: {:?}", req.headers().get("user-agent"));
    info!("{} {}", req.method(), req.uri());
    "ok"
}

#[tokio::main]
async fn main() {
    let _s = settings();
    let app: Router = Router::new().route("/", get(handler));
    let password = env::var("ADMIN_PASSWORD").unwrap_or_default();
    println!("admin password is {password}");
    println!("{} tokens", password.len());
    let _ = app;
}
