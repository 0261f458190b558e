// Debian's libqrencode (apt: libqrencode-dev): QR codes for the web pages (JifenWeb/QRCode.swift).
#include <qrencode.h>
