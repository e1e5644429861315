//! The DNS hook: [`Resolve`], a resolver of host names to socket addresses used instead
//! of the system's (`getaddrinfo` on a blocking thread).

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use hyper_util::client::legacy::connect::dns::{GaiResolver, Name};

/// The future a [`Resolve`] gives back.
pub type Resolving = Pin<Box<dyn Future<Output = io::Result<Vec<SocketAddr>>> + Send>>;

/// Resolves host names for the transport's connections (set with
/// [`ConfigBuilder::resolver`](crate::ConfigBuilder::resolver)). The addresses are
/// tried in order. An address with port 0 takes the request's port; another port is
/// used as is unless the URL names a port.
///
/// Any `Fn(String) -> impl Future<Output = io::Result<Vec<SocketAddr>>>` is one:
///
/// ```
/// use std::net::SocketAddr;
/// let pinned = |_host: String| async {
///     Ok::<_, std::io::Error>(vec![SocketAddr::from(([10, 0, 0, 7], 0))])
/// };
/// let config = cos_core::Config::builder()
///     .region("ap-guangzhou")
///     .credentials(cos_auth::Credentials::new("AKIDEXAMPLE", "SECRETKEYEXAMPLE")?)
///     .resolver(pinned)
///     .build()?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub trait Resolve: Send + Sync + 'static {
    /// The addresses of `host` (a name, never an IP literal: those are not resolved).
    fn resolve(&self, host: String) -> Resolving;
}

impl<F, Fut> Resolve for F
where
    F: Fn(String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = io::Result<Vec<SocketAddr>>> + Send + 'static,
{
    fn resolve(&self, host: String) -> Resolving {
        Box::pin(self(host))
    }
}

/// The resolver of the HTTP connector: the system's, or a [`Resolve`].
#[derive(Clone)]
pub(crate) enum DynResolver {
    System(GaiResolver),
    Custom(Arc<dyn Resolve>),
}

impl tower_service::Service<Name> for DynResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = io::Error;
    type Future = Pin<Box<dyn Future<Output = io::Result<Self::Response>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            DynResolver::System(g) => g.poll_ready(cx),
            DynResolver::Custom(_) => Poll::Ready(Ok(())),
        }
    }

    fn call(&mut self, name: Name) -> Self::Future {
        match self {
            DynResolver::System(g) => {
                let f = g.call(name);
                Box::pin(async move { Ok(f.await?.collect::<Vec<_>>().into_iter()) })
            }
            DynResolver::Custom(r) => {
                let host = name.as_str().to_owned();
                let f = r.resolve(host.clone());
                Box::pin(async move {
                    let addrs = f.await?;
                    if addrs.is_empty() {
                        return Err(io::Error::new(
                            io::ErrorKind::NotFound,
                            format!("the resolver found no address for {host}"),
                        ));
                    }
                    Ok(addrs.into_iter())
                })
            }
        }
    }
}
