import AsyncHTTPClient
import Logging
import NIOCore
import OCI
import Subprocess
import TOMLKit
import _NIOFileSystem
