//! `famigo createadmin`: the account with `email` becomes an administrator; a new account is
//! made for it if there is none, with the password on standard input (or generated and printed
//! when standard input is a terminal).

use crate::config::Config;
use crate::wiring::Store;
use anyhow::Context;

pub async fn run(config: &Config, email: &str, name: Option<&str>) -> anyhow::Result<()> {
    let store = Store::open(config).await?;
    let accounts = &store.accounts;
    let what = "cannot set up the administrator account";
    if let Some(record) = accounts.user_by_email(email).await.context(what)? {
        accounts.set_role(&record.user.id, app::domain::Role::Admin).await.context(what)?;
        println!("{email} is now an administrator (password unchanged)");
        store.close().await;
        return Ok(());
    }
    let (password, generated) = if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        (crate::wiring::generated_token(), true)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line).context("cannot read the password on standard input")?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    };
    app::domain::check_password(&password)
        .map_err(|e| anyhow::anyhow!("{what}: the password on standard input: {e}"))?;
    let default_name = email.split('@').next().unwrap_or(email);
    let display_name =
        app::domain::display_name(name.unwrap_or(default_name)).map_err(|e| anyhow::anyhow!("{what}: --name: {e}"))?;
    let password_hash = app::api::password::hash(password.clone()).await.map_err(|e| anyhow::anyhow!("{what}: {e}"))?;
    let new =
        app::ports::NewUser { email: email.to_string(), display_name, password_hash, role: app::domain::Role::Admin };
    accounts.create_user(&new).await.context(what)?;
    if generated {
        println!("created administrator {email} with the password {password} (change it at /account)");
    } else {
        println!("created administrator {email}");
    }
    store.close().await;
    Ok(())
}
