/* 示范县融媒体中心 公共脚本 */
function showDate(){var d=new Date();document.write(d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日");}
function SetHome(obj,url){try{obj.style.behavior='url(#default#homepage)';obj.setHomePage(url);}catch(e){alert("您的浏览器不支持自动设置首页，请手动设置。");}}
function AddFavorite(url,title){try{window.external.addFavorite(url,title);}catch(e){alert("请使用Ctrl+D进行添加");}}
function checkSearch(f){if(!f.searchword.value){alert("请输入关键字");return false;}return true;}
function _get(url,done){var x=new XMLHttpRequest();x.onreadystatechange=function(){if(x.readyState==4&&x.status==200){done(x.responseText);}};x.open("GET",url,true);x.send(null);}
function getHits(id){_get("/interface/hits.jsp?id="+id,function(t){var e=document.getElementById("hits");if(e){e.innerHTML=t;}});}
function loadRelated(ch,id){_get("/interface/related.jsp?channel="+ch+"&id="+id,function(t){var e=document.getElementById("xgxw");if(e){e.innerHTML=t;}});}
