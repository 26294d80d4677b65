import Crypto
import OCI
import Yams
